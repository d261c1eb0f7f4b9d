/** Reads a test project's database directly (not through backendts), to check what the CLI did. */
import { PGlite } from '@electric-sql/pglite';
import { queryPostgres } from './postgres.js';

/** Runs SQL on the database a test project uses. */
export interface Query {
  <Row = Record<string, unknown>>(text: string): Promise<Row[]>;
}

/** Opens the database a test project uses for a few checks, then closes it. */
export type Inspector = <T>(checks: (query: Query) => Promise<T>) => Promise<T>;

/** An inspector for a PostgreSQL database of the test server. */
export function postgresInspector(database: string): Inspector {
  return (checks) => checks((text) => queryPostgres(database, text));
}

/**
 * An inspector for an embedded database folder, opened once per call (and
 * only while no command runs on it: the embedded database serves one process).
 * A function gives the folder anew at each call (a project that moves).
 */
export function pgliteInspector(dataDir: string | (() => string)): Inspector {
  return async (checks) => {
    const db = await PGlite.create({ dataDir: typeof dataDir === 'string' ? dataDir : dataDir() });
    try {
      return await checks(async (text) => (await db.query(text)).rows as never);
    } finally {
      await db.close();
    }
  };
}

/** `table.column` of every column in the public schema, sorted. */
export async function columnsOf(query: Query): Promise<string[]> {
  const rows = await query<{ name: string }>(
    `select table_name || '.' || column_name as name from information_schema.columns where table_schema = 'public' order by 1`,
  );
  return rows.map((row) => row.name);
}
