/**
 * Lets drizzle-kit's live comparison see `[database] casing`. drizzle-kit
 * 0.31's `pushSchema` takes no casing (its `generateDrizzleJson` and
 * `drizzle-kit push` do): it would compare a column declared as
 * `baseAmount: numeric()` as `baseAmount`, not `base_amount`. So for the
 * duration of the comparison, every column declared without a name gets its
 * SQL name as an explicit one, and gets its key back afterwards.
 *
 * drizzle-orm builds generated constraint names from the column names it
 * sees; drizzle-kit, given a casing, keeps the key in the name of a
 * `unique().on(...)` constraint: that name is given back to each such
 * builder, so the models compared are exactly the ones drizzle-kit
 * snapshots with the casing. `checkSameSnapshot` makes sure of it.
 */
import { is, type Column } from 'drizzle-orm';
import { PgTable, UniqueConstraintBuilder, uniqueKeyName } from 'drizzle-orm/pg-core';
import { sqlColumnName, type ColumnCasing } from '../../runtime/db/casing.js';
import { BackendtsError } from '../../runtime/core/errors.js';

const COLUMNS = Symbol.for('drizzle:Columns');
const EXTRA_CONFIG_COLUMNS = Symbol.for('drizzle:ExtraConfigColumns');
const EXTRA_CONFIG_BUILDER = Symbol.for('drizzle:ExtraConfigBuilder');

/** The two fields drizzle-orm and drizzle-kit read a column's SQL name from. */
type NamedColumn = { name: string; keyAsName: boolean };
type ExtraConfig = (columns: unknown) => unknown;
type TableInternals = Record<symbol, unknown>;

/** Runs `call` while every column without a name of `imports`' tables carries its SQL name under `casing`. */
export async function withCasedColumns<T>(imports: Record<string, unknown>, casing: ColumnCasing | undefined, call: () => Promise<T>): Promise<T> {
  if (casing === undefined) return call();
  const undo: (() => void)[] = [];
  try {
    for (const value of Object.values(imports)) {
      if (is(value, PgTable)) caseTable(value as unknown as TableInternals, casing, undo);
    }
    return await call();
  } finally {
    for (const step of undo.reverse()) step();
  }
}

function caseTable(table: TableInternals, casing: ColumnCasing, undo: (() => void)[]): void {
  const keys = new Map<Column, string>();
  for (const symbol of [COLUMNS, EXTRA_CONFIG_COLUMNS]) {
    for (const column of Object.values((table[symbol] ?? {}) as Record<string, NamedColumn>)) {
      if (!column.keyAsName) continue;
      const key = column.name;
      const name = sqlColumnName(column, casing);
      keys.set(column as unknown as Column, key);
      column.name = name;
      column.keyAsName = false;
      undo.push(() => {
        column.name = key;
        column.keyAsName = true;
      });
    }
  }
  const original = table[EXTRA_CONFIG_BUILDER] as ExtraConfig | undefined;
  if (typeof original !== 'function' || keys.size === 0) return;
  table[EXTRA_CONFIG_BUILDER] = (columns: unknown) => {
    const config = original(columns);
    const builders = Array.isArray(config) ? config.flat(1) : Object.values(config as Record<string, unknown>);
    for (const builder of builders) {
      if (!is(builder, UniqueConstraintBuilder)) continue;
      const unique = builder as unknown as { name?: string; columns: Column[] };
      if (unique.name === undefined) unique.name = uniqueKeyName(table as never, unique.columns.map((column) => keys.get(column) ?? column.name));
    }
    return config;
  };
  undo.push(() => {
    table[EXTRA_CONFIG_BUILDER] = original;
  });
}

/**
 * Fails when drizzle-kit sees the models under {@link withCasedColumns}
 * (`cased`) otherwise than its own snapshot with the casing (`expected`):
 * the live comparison would then report differences that are none.
 */
export function checkSameSnapshot(cased: Record<string, unknown>, expected: Record<string, unknown>, casing: ColumnCasing): void {
  const tables = (snapshot: Record<string, unknown>) => (snapshot.tables ?? {}) as Record<string, unknown>;
  const differing = new Set<string>();
  for (const name of new Set([...Object.keys(tables(cased)), ...Object.keys(tables(expected))])) {
    if (JSON.stringify(tables(cased)[name]) !== JSON.stringify(tables(expected)[name])) differing.add(name);
  }
  const { tables: _cased, ...restCased } = cased;
  const { tables: _expected, ...restExpected } = expected;
  if (differing.size === 0 && JSON.stringify(restCased) === JSON.stringify(restExpected)) return;
  const where = differing.size === 0 ? 'the schema' : [...differing].map((name) => `table "${name}"`).join(', ');
  throw new BackendtsError(
    'BT_CREATE_DB_CASING',
    `the live comparison cannot apply [database] casing = ${casing} to ${where}: drizzle-kit would name some of its columns or constraints otherwise than its snapshot does`,
    {
      hint: "give the constraints and indexes of those tables explicit names (unique('...'), index('...'), foreignKey({ name: '...' })), or their columns explicit names, then run create_db again",
    },
  );
}
