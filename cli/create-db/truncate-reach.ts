/**
 * What a planned TRUNCATE would empty. drizzle-kit plans `truncate table "x"
 * cascade` before adding a NOT NULL column without default to a table that
 * holds rows; CASCADE also empties every table whose foreign keys point at
 * it, and the ones pointing at those, possibly other apps' tables. The
 * refusal and `--force` name them all, with their row counts.
 */
import type { SqlRunner } from './sql-runner.js';

/** A table a TRUNCATE empties, and how many rows it holds now. */
export interface ReachedTable {
  schema: string;
  name: string;
  rows: number;
}

const TRUNCATE = /^\s*TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?(.+?)(\s+CASCADE)?\s*(?:RESTRICT\s*)?;?\s*$/is;

/** Every table `statement` empties (none when it is no TRUNCATE), following foreign keys for CASCADE, recursively. */
export async function truncateReach(runner: SqlRunner, statement: string): Promise<ReachedTable[]> {
  const match = TRUNCATE.exec(statement);
  if (!match) return [];
  const targets = splitNames(match[1]!).map((name) => `select ${literal(name)}::regclass::oid as oid`);
  // Without CASCADE PostgreSQL refuses a table that others reference, so only the named tables are emptied.
  const follow = match[2] === undefined ? '' : `union select c.conrelid from pg_constraint c join reached r on c.confrelid = r.oid where c.contype = 'f'`;
  const tables = (await runner.query(
    `with recursive reached(oid) as (${targets.join(' union ')} ${follow})
     select n.nspname as schema, c.relname as name from reached r join pg_class c on c.oid = r.oid
     join pg_namespace n on n.oid = c.relnamespace order by 1, 2`,
  )) as { schema: string; name: string }[];
  const reached: ReachedTable[] = [];
  for (const table of tables) {
    const [row] = await runner.query(`select count(*) as rows from ${identifier(table.schema)}.${identifier(table.name)}`);
    reached.push({ schema: table.schema, name: table.name, rows: Number(row?.rows ?? 0) });
  }
  return reached;
}

/** Splits `"a", "b"."c"` at the commas outside quotes. */
function splitNames(list: string): string[] {
  return (list.match(/(?:"(?:[^"]|"")*"|[^,"])+/g) ?? []).map((name) => name.trim()).filter((name) => name !== '');
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function identifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
