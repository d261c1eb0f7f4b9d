/** Reads a test project's database directly (not through backendts), to check what the CLI did. */
import { PGlite } from '@electric-sql/pglite';
import { queryPostgres } from './postgres.js';

/** Runs SQL on the database a test project uses. */
export interface Inspector {
  query<Row = Record<string, unknown>>(text: string): Promise<Row[]>;
}

/** An inspector for a PostgreSQL database of the test server. */
export function postgresInspector(database: string): Inspector {
  return { query: (text) => queryPostgres(database, text) };
}

/** An inspector for an embedded database folder; opens it per query (only while no CLI runs on it). */
export function pgliteInspector(dataDir: string): Inspector {
  return {
    async query<Row>(text: string) {
      const db = await PGlite.create({ dataDir });
      try {
        return (await db.query<Row>(text)).rows;
      } finally {
        await db.close();
      }
    },
  };
}

/** `table.column` of every column in the public schema, sorted. */
export async function columnsOf(inspector: Inspector): Promise<string[]> {
  const rows = await inspector.query<{ name: string }>(
    `select table_name || '.' || column_name as name from information_schema.columns where table_schema = 'public' order by 1`,
  );
  return rows.map((row) => row.name);
}
