/**
 * Refuses a view whose query names a column by its key where `[database]
 * casing` gives the column another SQL name. drizzle-orm renders the select
 * list of a single-table query when the view is defined, without the casing,
 * so `pgView('v').as((qb) => qb.select({ accountId: t.accountId }).from(t))`
 * becomes `select "accountId" …` although the column is "account_id":
 * PostgreSQL then refuses the view (drizzle-orm issues 3332 and 4181, open).
 * Found here, before anything is pushed, with the fix for the model.
 */
import { getTableColumns, getTableName, is, Name, SQL, type Column } from 'drizzle-orm';
import { getMaterializedViewConfig, getViewConfig, PgColumn, type PgMaterializedView, type PgTable, type PgView } from 'drizzle-orm/pg-core';
import { sqlColumnName, type ColumnCasing } from '../runtime/db/casing.js';
import { BackendtsError } from '../runtime/core/errors.js';
import type { CheckedObject } from './identifier-length.js';

/** Fails, naming each view and column at fault with its app and file, when a view's query uses a column's key as its name. */
export function checkViewCasing(objects: readonly CheckedObject[], casing: ColumnCasing | undefined): void {
  if (casing === undefined) return;
  const problems: string[] = [];
  const tables = tablesByColumnConfig(objects);
  for (const object of objects) {
    const config = viewConfig(object);
    if (config?.query === undefined) continue;
    const names = identifiersIn(config.query);
    for (const column of columnsOf(config.selectedFields)) {
      const sqlName = sqlColumnName(column, casing);
      if (!column.keyAsName || sqlName === column.name || !names.has(column.name)) continue;
      problems.push(
        `app "${object.app}", ${object.displayFile}: view "${config.name}" selects column "${column.name}" of table "${tables.get(configOf(column)) ?? '?'}" by its key, ` +
          `which [database] casing names "${sqlName}"; name the column explicitly in the table: ${column.name}: <type>('${sqlName}')`,
      );
    }
  }
  if (problems.length === 0) return;
  throw new BackendtsError(
    'BT_VIEW_CASING',
    `${problems.length === 1 ? 'a view names a column' : `${problems.length} views name columns`} by ${problems.length === 1 ? 'its key' : 'their keys'}, not by the name [database] casing = ${casing} gives ${problems.length === 1 ? 'it' : 'them'} ` +
      `(drizzle-orm writes the select list of a one-table view without the casing, and PostgreSQL would not find the column):\n  ${problems.join('\n  ')}`,
    { hint: "name those columns explicitly in pgTable(...), or select them through sql`${table.column}`.as('...')" },
  );
}

type ViewConfig = { name: string; query?: SQL | undefined; selectedFields: Record<string, unknown> };

function viewConfig(object: CheckedObject): ViewConfig | undefined {
  if (object.kind === 'view') return getViewConfig(object.object as PgView) as ViewConfig;
  if (object.kind === 'materializedView') return getMaterializedViewConfig(object.object as PgMaterializedView) as ViewConfig;
  return undefined;
}

/** Every identifier (`sql.identifier`, drizzle-orm's `Name`) written into a query when it was defined. */
function identifiersIn(query: SQL): Set<string> {
  const names = new Set<string>();
  const visit = (chunks: readonly unknown[]): void => {
    for (const chunk of chunks) {
      if (is(chunk, Name)) names.add((chunk as Name).value);
      else if (is(chunk, SQL)) visit((chunk as SQL).queryChunks);
    }
  };
  visit(query.queryChunks);
  return names;
}

/**
 * The tables of `objects` by their columns' configs: a view's columns are
 * proxies aliased to the view, whose config is the declared column's own.
 */
function tablesByColumnConfig(objects: readonly CheckedObject[]): Map<unknown, string> {
  const tables = new Map<unknown, string>();
  for (const object of objects) {
    if (object.kind !== 'table') continue;
    const table = object.object as PgTable;
    for (const column of Object.values(getTableColumns(table))) tables.set(configOf(column), getTableName(table));
  }
  return tables;
}

function configOf(column: Column): unknown {
  return (column as unknown as { config: unknown }).config;
}

/** The columns of a selection, nested objects included. */
function columnsOf(selection: Record<string, unknown>): Column[] {
  const found: Column[] = [];
  for (const field of Object.values(selection)) {
    if (is(field, PgColumn)) found.push(field as Column);
    else if (field !== null && typeof field === 'object' && !is(field, SQL) && !is(field, SQL.Aliased)) found.push(...columnsOf(field as Record<string, unknown>));
  }
  return found;
}
