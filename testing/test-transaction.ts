/**
 * A transaction per test, rolled back after it: the requests made during the
 * test join it (each request transaction becomes a savepoint in it), so a
 * test sees every write its requests made and leaves nothing behind.
 */
import type { Backendts } from '../runtime/backendts.js';
import { hasContextValue } from '../runtime/core/context.js';
import { getDbSession } from '../runtime/db/get-db-session.js';
import { sharedTransactionOf, shareTransaction } from '../runtime/db/shared-transaction.js';
import { openTransaction } from '../runtime/db/transaction.js';
import type { AnySchema, DbSession } from '../runtime/db/types.js';
import type { DbEngine } from '../runtime/db/engine.js';
import { BackendtsError } from '../runtime/core/errors.js';
import { Savepoints } from './savepoints.js';

/** An open test transaction. */
export interface TestTransaction {
  /**
   * A Drizzle handle whose statements run in the test transaction, for the
   * test's own work (seeding rows, checking what requests wrote). Do not use
   * `engine.db` meanwhile: it runs outside the test transaction (and waits
   * for it on the embedded database).
   */
  readonly db: DbSession;
  /** Rolls back everything done since the transaction began, the requests' work included. Safe to call twice. */
  rollback(): Promise<void>;
}

/**
 * Starts the project if needed, then opens a transaction that every request
 * transaction of `bp` joins until {@link TestTransaction.rollback}. One at a
 * time per project. Needs the database wiring of `setDatabaseHooks`.
 */
export async function beginTestTransaction(bp: Backendts): Promise<TestTransaction> {
  await bp.start();
  const engine = hasContextValue(bp.context, 'db_engine') ? (bp.context.db_engine as DbEngine<AnySchema>) : undefined;
  if (engine === undefined) {
    throw new BackendtsError('BT_TEST_NO_DATABASE', `${bp.projectDir}: the project has no bp.context.db_engine for a test transaction`, {
      hint: 'call setDatabaseHooks(bp) in the main module (or put your engine in bp.context.db_engine on startup)',
    });
  }
  if (sharedTransactionOf(engine) !== undefined) {
    throw new BackendtsError('BT_TEST_TRANSACTION_OPEN', `${bp.projectDir}: a test transaction is already open on this project`, {
      hint: 'roll back the previous test transaction first (await transaction.rollback() in afterEach)',
    });
  }
  const held = await openTransaction(engine, {
    isolationLevel: engine.settings.isolationLevel,
    readOnly: false,
    waitTimeout: engine.settings.poolTimeout,
  });
  shareTransaction(engine, new Savepoints(engine, held.client));
  // The test's own statements: a scope with no transaction of its own, so they run in the shared one.
  const scope = Symbol('test transaction');
  const getter = getDbSession(engine, () => scope, { mode: () => false });
  let rolledBack: Promise<void> | undefined;
  return {
    db: getter() as unknown as DbSession,
    rollback() {
      rolledBack ??= (async () => {
        shareTransaction(engine, undefined);
        await getter.remove();
        await held.end(false).catch(() => {
          // A failed statement of the test already ended it on the server.
        });
      })();
      return rolledBack;
    },
  };
}

/** Runs `fn` in a test transaction and rolls it back after, whether `fn` succeeded or not. */
export async function withTestTransaction<T>(bp: Backendts, fn: (db: DbSession) => T | Promise<T>): Promise<T> {
  const transaction = await beginTestTransaction(bp);
  try {
    return await fn(transaction.db);
  } finally {
    await transaction.rollback();
  }
}
