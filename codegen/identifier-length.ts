/**
 * Refuses SQL names longer than PostgreSQL's 63 bytes. PostgreSQL truncates
 * them silently, so the name in the database never matches the model's and
 * every later comparison sees a rename. Names are computed as drizzle-kit
 * will generate them (foreign keys, unique constraints, indexes, identity
 * sequences), from drizzle-orm's `getTableConfig`.
 */
import { is, SQL } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { BackendtsError } from '../runtime/errors.js';
import type { NamedObject } from '../runtime/schema-names.js';

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

/** Fails, listing every name at fault with its app, file and table, when a name is over 63 bytes. */
export function checkIdentifierLengths(objects: readonly CheckedObject[]): void {
  const problems: string[] = [];
  for (const object of objects) {
    const table = object.kind === 'table' ? getTableConfig(object.object as PgTable) : undefined;
    const identifiers = table ? tableIdentifiers(table) : objectIdentifiers(object);
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

function tableIdentifiers(table: ReturnType<typeof getTableConfig>): SqlIdentifier[] {
  const found: SqlIdentifier[] = [{ what: 'table name', name: table.name, fix: 'give the table a shorter name in pgTable(...)' }];
  for (const column of table.columns) {
    found.push({ what: 'column name', name: column.name, fix: 'give the column a shorter name (integer(\'...\'))' });
    if (column.isUnique && column.uniqueName !== undefined) {
      found.push({ what: 'unique constraint', name: column.uniqueName, fix: `name it: .unique('...') on column "${column.name}"` });
    }
    // drizzle-kit names an identity column's sequence `<table>_<column>_seq` unless told otherwise.
    const identity = column.generatedIdentity;
    if (identity) {
      found.push({
        what: 'identity sequence',
        name: identity.sequenceName ?? `${table.name}_${column.name}_seq`,
        fix: `name it: .generatedAlwaysAsIdentity({ name: '...' }) on column "${column.name}"`,
      });
    }
  }
  for (const key of table.foreignKeys) {
    found.push({ what: 'foreign key', name: key.getName(), fix: "name it: foreignKey({ name: '...', columns, foreignColumns })" });
  }
  for (const key of table.primaryKeys) {
    found.push({ what: 'primary key', name: key.getName(), fix: "name it: primaryKey({ name: '...', columns })" });
  }
  for (const unique of table.uniqueConstraints) {
    // Typed optional, but drizzle-orm fills in the generated name when none is given.
    found.push({ what: 'unique constraint', name: unique.getName() ?? '', fix: "name it: unique('...').on(...)" });
  }
  for (const index of table.indexes) {
    const columns = index.config.columns;
    // drizzle-kit names an unnamed index on columns `<table>_<columns>_index` (one on expressions must be named anyway).
    if (index.config.name === undefined && columns.some((column) => is(column, SQL))) continue;
    const generated = `${table.name}_${columns.map((column) => (column as { name: string }).name).join('_')}_index`;
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
