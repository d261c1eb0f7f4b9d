/**
 * Renames in the snapshot-to-snapshot diff, settled without a question.
 * drizzle-kit asks whether a table or column that disappeared while another
 * appeared was renamed; `makemigrations` answers from its flags instead:
 *
 * - `--rename users.name=users.full_name` (a column: table as the models name
 *   it now) or `--rename old_table=new_table` (`schema.table` outside
 *   `public`): the previous snapshot is renamed the way drizzle-kit itself
 *   does it after such an answer, and the `RENAME` statement comes first;
 * - `--no-rename`: what is left is a drop and an add. The diff runs in two
 *   steps (to the models without the new tables and columns, then to the
 *   models), so drizzle-kit never has both at once to ask about.
 */
import { BackendtsError } from '../../runtime/core/errors.js';

/** One `--rename from=to`. */
export interface Rename {
  from: string;
  to: string;
}

interface SnapshotColumn {
  name: string;
}

interface SnapshotTable {
  name: string;
  schema: string;
  columns: Record<string, SnapshotColumn>;
  indexes?: Record<string, { columns?: { expression: string; isExpression?: boolean }[] }>;
  foreignKeys?: Record<string, { tableFrom: string; tableTo: string; schemaTo?: string; columnsFrom: string[]; columnsTo: string[] }>;
  compositePrimaryKeys?: Record<string, { columns: string[] }>;
  uniqueConstraints?: Record<string, { columns: string[] }>;
  checkConstraints?: Record<string, { value: string }>;
  policies?: Record<string, unknown>;
}

/** drizzle-kit's snapshot, as far as renames need it. */
export type Snapshot = Record<string, unknown> & { tables: Record<string, SnapshotTable> };

/** A change drizzle-kit would ask about: something gone and something new in one place. */
export interface Ambiguity {
  kind: 'table' | 'column' | 'enum' | 'sequence' | 'view' | 'schema' | 'role' | 'policy';
  /** For columns and policies: the table (`schema.table`). */
  table?: string;
  deleted: string[];
  created: string[];
}

/** A previous snapshot with the renames applied, and the statements that make them. */
export interface RenamedSnapshot {
  snapshot: Snapshot;
  statements: string[];
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `schema.table` for a snapshot key; `public` tables are written without schema in messages and flags. */
function shortTable(key: string): string {
  return key.startsWith('public.') ? key.slice('public.'.length) : key;
}

function tableKey(name: string): string {
  return name.includes('.') ? name : `public.${name}`;
}

function qualified(table: SnapshotTable): string {
  return table.schema === '' || table.schema === 'public' ? quote(table.name) : `${quote(table.schema)}.${quote(table.name)}`;
}

/** Applies `--rename`s to the previous snapshot: tables first, then columns (named by their table's new name). */
export function applyRenames(previous: Snapshot, current: Snapshot, renames: readonly Rename[]): RenamedSnapshot {
  const snapshot = structuredClone(previous);
  const tableStatements: string[] = [];
  const columnStatements: string[] = [];
  const columnRenames: Rename[] = [];
  for (const rename of renames) {
    const from = tableKey(rename.from);
    const to = tableKey(rename.to);
    if (snapshot.tables[from] !== undefined && current.tables[to] !== undefined && snapshot.tables[to] === undefined) {
      const table = snapshot.tables[from]!;
      const [toSchema, toName] = [to.slice(0, to.indexOf('.')), to.slice(to.indexOf('.') + 1)];
      if ((table.schema || 'public') !== toSchema) throw renameError(rename, 'a table keeps its schema when renamed; move it to another schema by hand');
      tableStatements.push(`ALTER TABLE ${qualified(table)} RENAME TO ${quote(toName)};`);
      delete snapshot.tables[from];
      snapshot.tables[to] = { ...table, name: toName };
    } else {
      columnRenames.push(rename);
    }
  }
  for (const rename of columnRenames) {
    const [fromTable, fromColumn] = splitColumn(rename, rename.from);
    const [toTable, toColumn] = splitColumn(rename, rename.to);
    if (fromTable !== toTable) throw renameError(rename, 'a column rename names the same table on both sides (its name in the models now)');
    const table = snapshot.tables[fromTable];
    if (table === undefined || table.columns[fromColumn] === undefined) {
      throw renameError(rename, `the last migration has no ${table === undefined ? `table ${shortTable(fromTable)}` : `column ${fromColumn} in ${shortTable(fromTable)}`}`);
    }
    if (current.tables[fromTable]?.columns[toColumn] === undefined) throw renameError(rename, `the models have no column ${toColumn} in ${shortTable(fromTable)}`);
    if (table.columns[toColumn] !== undefined) throw renameError(rename, `the last migration already has a column ${toColumn} in ${shortTable(fromTable)}`);
    columnStatements.push(`ALTER TABLE ${qualified(table)} RENAME COLUMN ${quote(fromColumn)} TO ${quote(toColumn)};`);
    const columns: Record<string, SnapshotColumn> = {};
    for (const [key, column] of Object.entries(table.columns)) columns[key === fromColumn ? toColumn : key] = key === fromColumn ? { ...column, name: toColumn } : column;
    table.columns = columns;
  }
  return { snapshot, statements: [...tableStatements, ...columnStatements] };
}

/** `table.column` or `schema.table.column` → [`schema.table`, column]. */
function splitColumn(rename: Rename, text: string): [string, string] {
  const parts = text.split('.');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === '')) {
    throw renameError(rename, 'write a column as table.column (or schema.table.column), a table as table (or schema.table)');
  }
  const column = parts.pop()!;
  return [tableKey(parts.join('.')), column];
}

function renameError(rename: Rename, why: string): BackendtsError {
  return new BackendtsError('BT_MAKEMIGRATIONS_RENAME', `--rename ${rename.from}=${rename.to}: ${why}`, {
    hint: 'give --rename once per renamed table or column: --rename users.name=users.full_name, or --rename old_table=new_table',
  });
}

/** Parses `--rename` values (`from=to`). */
export function parseRenames(values: unknown): Rename[] {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  return list.map((value) => {
    const text = String(value);
    const match = /^([^=\s]+)=([^=\s]+)$/.exec(text);
    if (!match) {
      throw new BackendtsError('BT_CLI_OPTION', `--rename ${text}: expected from=to`, {
        hint: 'write --rename users.name=users.full_name (a column) or --rename old_table=new_table (a table)',
      });
    }
    return { from: match[1]!, to: match[2]! };
  });
}

/** What drizzle-kit would ask about when diffing these two snapshots. */
export function findAmbiguities(previous: Snapshot, current: Snapshot): Ambiguity[] {
  const found: Ambiguity[] = [];
  const global: [Ambiguity['kind'], string][] = [
    ['schema', 'schemas'], ['enum', 'enums'], ['sequence', 'sequences'], ['role', 'roles'], ['table', 'tables'], ['policy', 'policies'], ['view', 'views'],
  ];
  for (const [kind, field] of global) {
    const { deleted, created } = keyDiff(previous[field], current[field]);
    if (deleted.length > 0 && created.length > 0) found.push({ kind, deleted, created });
  }
  for (const [key, table] of Object.entries(current.tables)) {
    const before = previous.tables[key];
    if (before === undefined) continue;
    for (const [kind, field] of [['column', 'columns'], ['policy', 'policies']] as const) {
      const { deleted, created } = keyDiff(before[field], table[field]);
      if (deleted.length > 0 && created.length > 0) found.push({ kind, table: key, deleted, created });
    }
  }
  return found;
}

function keyDiff(before: unknown, after: unknown): { deleted: string[]; created: string[] } {
  const a = Object.keys((before ?? {}) as object);
  const b = Object.keys((after ?? {}) as object);
  return { deleted: a.filter((key) => !b.includes(key)), created: b.filter((key) => !a.includes(key)) };
}

/** The flags that settle an ambiguity as renames (pairing gone and new in order), ready to paste. */
export function renameFlags(ambiguity: Ambiguity): string[] {
  const pairs = Math.min(ambiguity.deleted.length, ambiguity.created.length);
  const flags: string[] = [];
  for (let index = 0; index < pairs; index++) {
    const [from, to] = [ambiguity.deleted[index]!, ambiguity.created[index]!];
    if (ambiguity.kind === 'table') flags.push(`--rename ${shortTable(from)}=${shortTable(to)}`);
    else if (ambiguity.kind === 'column') flags.push(`--rename ${shortTable(ambiguity.table!)}.${from}=${shortTable(ambiguity.table!)}.${to}`);
  }
  return flags;
}

/** Describes an ambiguity for messages. */
export function describeAmbiguity(ambiguity: Ambiguity): string {
  const where = ambiguity.table === undefined ? '' : ` in table ${shortTable(ambiguity.table)}`;
  const names = (list: string[]) => list.map((name) => (ambiguity.kind === 'table' ? shortTable(name) : name)).join(', ');
  return `${ambiguity.kind}s${where}: gone ${names(ambiguity.deleted)}; new ${names(ambiguity.created)}`;
}

/**
 * The models without the new tables and columns of the given ambiguities
 * (and without every index, key and constraint that uses them): the middle
 * step of a `--no-rename` diff.
 */
export function withoutCreated(current: Snapshot, ambiguities: readonly Ambiguity[]): Snapshot {
  const middle = structuredClone(current);
  const goneTables = new Set<string>();
  const goneColumns = new Map<string, Set<string>>();
  for (const ambiguity of ambiguities) {
    if (ambiguity.kind === 'table') for (const key of ambiguity.created) goneTables.add(key);
    if (ambiguity.kind === 'column') goneColumns.set(ambiguity.table!, new Set(ambiguity.created));
  }
  for (const key of goneTables) delete middle.tables[key];
  for (const [key, table] of Object.entries(middle.tables)) {
    const gone = goneColumns.get(key) ?? new Set<string>();
    for (const column of gone) delete table.columns[column];
    const uses = (columns: readonly string[]) => columns.some((column) => gone.has(column));
    table.indexes = filterValues(table.indexes, (index) => !uses((index.columns ?? []).filter((part) => !part.isExpression).map((part) => part.expression)));
    table.compositePrimaryKeys = filterValues(table.compositePrimaryKeys, (pk) => !uses(pk.columns));
    table.uniqueConstraints = filterValues(table.uniqueConstraints, (unique) => !uses(unique.columns));
    table.checkConstraints = filterValues(table.checkConstraints, (check) => ![...gone].some((column) => new RegExp(`\\b${column}\\b`).test(check.value)));
    table.foreignKeys = filterValues(table.foreignKeys, (fk) => {
      if (uses(fk.columnsFrom)) return false;
      const target = `${fk.schemaTo || 'public'}.${fk.tableTo}`;
      if (goneTables.has(target)) return false;
      const targetGone = goneColumns.get(target);
      return !fk.columnsTo.some((column) => targetGone?.has(column));
    });
  }
  return middle;
}

function filterValues<T>(record: Record<string, T> | undefined, keep: (value: T) => boolean): Record<string, T> | undefined {
  if (record === undefined) return undefined;
  return Object.fromEntries(Object.entries(record).filter(([, value]) => keep(value)));
}
