/**
 * Where `migrate` and `showmigrations` work: one connection to the project's
 * database. On PostgreSQL it holds the advisory lock create_db takes too, so
 * two `migrate` runs (or a migrate and a create_db) on one database take
 * turns and the second finds the work done; each migration runs in a
 * transaction of its own on that connection. The embedded database serves
 * one process already: its folder is locked while open.
 */
import { getDbEngine } from '../../runtime/db/engine.js';
import { connectFailure } from '../../runtime/db/faults.js';
import type { DatabaseSettings } from '../../runtime/db/settings.js';
import type { Output } from '../output.js';
import { connect, CREATE_DB_LOCK_KEY } from '../create-db/postgres.js';
import type { SqlRunner } from '../create-db/sql-runner.js';
import { refuseTransactionPooler } from '../create-db/pooler-check.js';

/** A runner that can also send a text of several statements. */
export interface MigrationRunner extends SqlRunner {
  /** Runs a text that may hold several statements; returns nothing. */
  execute(text: string): Promise<void>;
}

/** The connection a command works on. */
export interface MigrationSession {
  /** Reads outside any transaction. */
  runner: MigrationRunner;
  /** Runs `body` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(body: (runner: MigrationRunner) => Promise<T>): Promise<T>;
}

/** Options of {@link withMigrationSession}. */
export interface SessionOptions {
  /** Take the lock that makes runs on one PostgreSQL database take turns (migrate: yes; showmigrations: no). */
  lock: boolean;
}

/** Opens the database of `settings`, runs `step` on it, and closes it (which releases the lock). */
export async function withMigrationSession<T>(
  settings: DatabaseSettings,
  options: SessionOptions,
  output: Output,
  step: (session: MigrationSession) => Promise<T>,
): Promise<T> {
  const target = settings.target;
  if (target.driver === 'pglite') {
    const engine = await getDbEngine(settings);
    if (engine.driver !== 'pglite') throw new Error('the embedded database engine was expected');
    const client = engine.client;
    type Queryable = Pick<typeof client, 'query' | 'exec'>;
    const runnerOn = (on: Queryable): MigrationRunner => ({
      query: async (text) => (await on.query<Record<string, unknown>>(text)).rows,
      execute: async (text) => {
        await on.exec(text);
      },
    });
    try {
      return await step({ runner: runnerOn(client), transaction: (body) => client.transaction((tx) => body(runnerOn(tx))) });
    } finally {
      await engine.close();
    }
  }
  const sql = connect(target, settings);
  // No parameters: postgres.js sends the text as a simple query, several statements included.
  const runnerOn = (on: { unsafe(text: string): PromiseLike<unknown> }): MigrationRunner => ({
    query: async (text) => (await on.unsafe(text)) as Record<string, unknown>[],
    execute: async (text) => {
      await on.unsafe(text);
    },
  });
  try {
    try {
      await sql.unsafe('select 1');
    } catch (error) {
      throw connectFailure(error, target);
    }
    if (options.lock) {
      const second = connect(target, settings);
      try {
        await refuseTransactionPooler(sql, second, target);
      } finally {
        await second.end({ timeout: 1 });
      }
      const [row] = await sql.unsafe(`select pg_try_advisory_lock(${CREATE_DB_LOCK_KEY}) as locked`);
      if (!row?.locked) {
        output.info('another migrate or create_db is running on this database: waiting for it to finish…');
        await sql.unsafe(`select pg_advisory_lock(${CREATE_DB_LOCK_KEY})`);
      }
    }
    return await step({
      runner: runnerOn(sql),
      transaction: async (body) => (await sql.begin((tx) => body(runnerOn(tx)))) as Awaited<ReturnType<typeof body>>,
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
