/**
 * Refuses SQL names longer than PostgreSQL's 63 bytes. PostgreSQL truncates
 * them silently, so the name in the database never matches the model's and
 * every later comparison sees a rename. Names are computed as drizzle-kit
 * will generate them (foreign keys, unique constraints, indexes, identity
 * sequences), from drizzle-orm's `getTableConfig`, and with the column names
 * `[database] casing` gives columns declared without a name.
 */
import { is, SQL, type Column } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { sqlColumnName, type ColumnCasing } from '../runtime/db/casing.js';
import { BackendtsError } from '../runtime/core/errors.js';
import type { NamedObject } from '../runtime/schema/schema-names.js';

/** PostgreSQL's NAMEDATALEN - 1: the longest identifier it keeps whole. */
export const MAX_IDENTIFIER_BYTES = 63;

/** One SQL name an object gives the database, and how the model names it explicitly. */
interface SqlIdentifier {
  what: string;
  name: string;
  fix: string;
}

/** An object before it gets its unique name, with the Drizzle object itself. */
export type CheckedObject = NamedObject & { object: unknown };

/**
 * Fails, listing every name at fault with its app, file and table, when a
 * name is over 63 bytes. `casing` is `[database] casing`.
 */
export function checkIdentifierLengths(objects: readonly CheckedObject[], casing?: ColumnCasing): void {
  const problems: string[] = [];
  const columnName = columnNamer(casing);
  for (const object of objects) {
    const table = object.kind === 'table' ? getTableConfig(object.object as PgTable) : undefined;
    const identifiers = table ? tableIdentifiers(table, columnName) : objectIdentifiers(object);
    for (const identifier of identifiers) {
      const bytes = Buffer.byteLength(identifier.name, 'utf8');
      if (bytes <= MAX_IDENTIFIER_BYTES) continue;
      const owner = table ? `, table "${table.name}"` : '';
      problems.push(
        `app "${object.app}", ${object.displayFile}${owner}: ${identifier.what} "${identifier.name}" is ${bytes} bytes; ${identifier.fix}`,
      );
    }
  }
  if (problems.length === 0) return;
  throw new BackendtsError(
    'BT_IDENTIFIER_TOO_LONG',
    `${problems.length === 1 ? 'a SQL name is' : `${problems.length} SQL names are`} longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes ` +
      `(PostgreSQL would truncate ${problems.length === 1 ? 'it' : 'them'}, and the database would never match the models):\n  ${problems.join('\n  ')}`,
    { hint: `give each an explicit name of at most ${MAX_IDENTIFIER_BYTES} bytes, as shown` },
  );
}

function objectIdentifiers(object: CheckedObject): SqlIdentifier[] {
  if (object.sqlName === undefined) return [];
  return [{ what: object.kind, name: object.sqlName, fix: `rename it in its definition (export ${object.exportName})` }];
}

/** A column's SQL name: its own, or its key under `casing` when it was declared without one. */
type ColumnNamer = (column: Column) => string;

function columnNamer(casing: ColumnCasing | undefined): ColumnNamer {
  return (column) => sqlColumnName(column, casing);
}

/**
 * A generated constraint name as drizzle-kit writes it under a casing:
 * drizzle-orm builds it from the columns' keys, and drizzle-kit then
 * replaces each key (its first occurrence) with the column's SQL name.
 */
function withColumnNames(name: string, columns: readonly Column[], columnName: ColumnNamer): string {
  let renamed = name;
  for (const column of columns) renamed = renamed.replace(column.name, columnName(column));
  return renamed;
}

function tableIdentifiers(table: ReturnType<typeof getTableConfig>, columnName: ColumnNamer): SqlIdentifier[] {
  const found: SqlIdentifier[] = [{ what: 'table name', name: table.name, fix: 'give the table a shorter name in pgTable(...)' }];
  for (const column of table.columns) {
    const name = columnName(column);
    found.push({ what: 'column name', name, fix: 'give the column a shorter name (integer(\'...\'))' });
    if (column.isUnique && column.uniqueName !== undefined) {
      found.push({ what: 'unique constraint', name: column.uniqueName, fix: `name it: .unique('...') on column "${name}"` });
    }
    // drizzle-kit names an identity column's sequence `<table>_<column>_seq` unless told otherwise.
    const identity = column.generatedIdentity;
    if (identity) {
      found.push({
        what: 'identity sequence',
        name: identity.sequenceName ?? `${table.name}_${name}_seq`,
        fix: `name it: .generatedAlwaysAsIdentity({ name: '...' }) on column "${name}"`,
      });
    }
  }
  for (const key of table.foreignKeys) {
    const { columns, foreignColumns } = key.reference();
    found.push({
      what: 'foreign key',
      name: withColumnNames(key.getName(), [...columns, ...foreignColumns], columnName),
      fix: "name it: foreignKey({ name: '...', columns, foreignColumns })",
    });
  }
  for (const key of table.primaryKeys) {
    found.push({ what: 'primary key', name: withColumnNames(key.getName(), key.columns, columnName), fix: "name it: primaryKey({ name: '...', columns })" });
  }
  for (const unique of table.uniqueConstraints) {
    // Typed optional, but drizzle-orm fills in the generated name when none is given.
    found.push({ what: 'unique constraint', name: unique.getName() ?? '', fix: "name it: unique('...').on(...)" });
  }
  for (const index of table.indexes) {
    const columns = index.config.columns;
    // drizzle-kit names an unnamed index on columns `<table>_<columns>_index` (one on expressions must be named anyway).
    if (index.config.name === undefined && columns.some((column) => is(column, SQL))) continue;
    const generated = `${table.name}_${columns.map((column) => columnName(column as Column)).join('_')}_index`;
    found.push({ what: 'index', name: index.config.name ?? generated, fix: "name it: index('...').on(...)" });
  }
  for (const check of table.checks) {
    found.push({ what: 'check constraint', name: check.name, fix: "rename it: check('...', sql`...`)" });
  }
  for (const policy of table.policies) {
    found.push({ what: 'policy', name: policy.name, fix: "rename it: pgPolicy('...', { ... })" });
  }
  return found;
}
