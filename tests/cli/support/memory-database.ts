/** An in-memory embedded database for in-process planning tests, made before the file's tests and closed after them. */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll } from 'vitest';
import type { SqlRunner } from '../../../cli/create-db/sql-runner.js';

/** The database of a test file, once its `beforeAll` ran. */
export interface MemoryDatabase {
  db: PGlite;
  runner: SqlRunner;
}

/**
 * Registers the hooks that open the database, run the statements `initial`
 * plans on it (given its runner), and close it at the end.
 */
export function useMemoryDatabase(initial: (runner: SqlRunner) => Promise<readonly string[]>): MemoryDatabase {
  const database = {} as MemoryDatabase;
  beforeAll(async () => {
    const db = await PGlite.create();
    database.db = db;
    database.runner = { query: async (text) => (await db.query<Record<string, unknown>>(text)).rows };
    for (const statement of await initial(database.runner)) await db.exec(statement);
  });
  afterAll(async () => {
    await database.db?.close();
  });
  return database;
}
