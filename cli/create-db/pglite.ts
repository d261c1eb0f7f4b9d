/**
 * Embedded side of `create_db`: the PGlite data folder is opened through
 * `getDbEngine`, which locks it (a running server or another create_db gets
 * a clear error instead of silently lost writes); the statements are
 * applied in one PGlite transaction.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DbEngine } from '../../runtime/db/engine.js';
import type { DatabaseSettings, DatabaseTarget } from '../../runtime/db/settings.js';
import type { PushSession } from './sql-runner.js';

type PgliteTarget = Extract<DatabaseTarget, { driver: 'pglite' }>;

/** Whether the data folder already holds a database (PGlite creates it on first open). */
export function pgliteState(target: PgliteTarget): 'created' | 'exists' {
  return existsSync(path.join(target.path, 'PG_VERSION')) ? 'exists' : 'created';
}

/** Opens the embedded database (creating it when new) and runs `step` on it; applying happens in one transaction. */
export async function withPglitePush<T>(settings: DatabaseSettings, step: (session: PushSession) => Promise<T>): Promise<T> {
  const engine = await openEngine(settings);
  if (engine.driver !== 'pglite') throw new Error('the embedded database engine was expected');
  const client = engine.client;
  try {
    return await step({
      planner: { query: async (text) => (await client.query<Record<string, unknown>>(text)).rows },
      applyInTransaction: (apply) =>
        client.transaction((tx) => apply({ query: async (text) => (await tx.query<Record<string, unknown>>(text)).rows })),
    });
  } finally {
    await engine.close();
  }
}

/** Opens the database through the runtime's engine, loaded on demand (it brings PGlite and drizzle-orm). */
export async function openEngine(settings: DatabaseSettings): Promise<DbEngine> {
  const { getDbEngine } = await import('../../runtime/db/engine.js');
  return getDbEngine(settings);
}
