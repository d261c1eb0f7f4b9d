/**
 * The shared transaction of a test: every request transaction opened while
 * it is shared becomes a savepoint inside it, one at a time (savepoints on
 * one connection nest, they cannot interleave). A request that commits
 * releases its savepoint, one that fails rolls it back; the test's
 * transaction is rolled back at the end, taking every request's work with it.
 */
import type { Transaction as PgliteTransaction } from '@electric-sql/pglite';
import type postgres from 'postgres';
import type { DbEngine } from '../runtime/db/engine.js';
import type { SharedTransaction } from '../runtime/db/shared-transaction.js';
import type { HeldTransaction, OpenTransactionOptions, TransactionClient } from '../runtime/db/transaction.js';
import type { AnySchema } from '../runtime/db/types.js';
import { BackendtsError } from '../runtime/core/errors.js';

/** Thrown inside postgres.js's savepoint callback to roll it back; never seen outside. */
const ROLLBACK = Symbol('rollback');

/** Request transactions as savepoints of one held transaction. */
export class Savepoints implements SharedTransaction {
  #turn: Promise<void> = Promise.resolve();
  #count = 0;

  constructor(
    private readonly engine: DbEngine<AnySchema>,
    /** The test's transaction. */
    readonly client: TransactionClient,
  ) {}

  open(options: OpenTransactionOptions): Promise<HeldTransaction> {
    const previous = this.#turn;
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.#turn = previous.then(() => mine);
    return waitForTurn(previous, options).then(
      () => this.#savepoint(options, done),
      (error: unknown) => {
        done();
        throw error;
      },
    );
  }

  #savepoint(options: OpenTransactionOptions, done: () => void): Promise<HeldTransaction> {
    const opened = this.engine.driver === 'postgres' ? this.#postgres(options) : this.#pglite(options);
    return opened.then(
      (held) => ({
        client: held.client,
        end: (commit: boolean) => held.end(commit).finally(done),
        get over() {
          return held.over;
        },
        abandon: () => held.abandon(),
      }),
      (error: unknown) => {
        done();
        throw error;
      },
    );
  }

  /** postgres.js's own savepoint, held open until the request ends. */
  #postgres(options: OpenTransactionOptions): Promise<HeldTransaction> {
    const sql = this.client as postgres.TransactionSql;
    return new Promise((resolve, reject) => {
      let over = false;
      let finish!: (commit: boolean) => void;
      const decision = new Promise<boolean>((decide) => (finish = decide));
      const outcome = sql
        .savepoint(async (inner) => {
          if (options.readOnly) await inner.unsafe('set local transaction_read_only = on');
          resolve({
            client: inner,
            end: (commit) => {
              if (!over) finish(commit);
              return outcome;
            },
            get over() {
              return over;
            },
            abandon: () => {
              over = true;
            },
          });
          // A read-only savepoint wrote nothing: rolling it back also ends its read-only mode.
          if (!(await decision) || options.readOnly) throw ROLLBACK;
        })
        .then(
          () => {
            over = true;
          },
          (error: unknown) => {
            over = true;
            if (error !== ROLLBACK) throw error;
          },
        );
      outcome.catch(reject);
    });
  }

  /** A named savepoint on PGlite's one connection. */
  async #pglite(options: OpenTransactionOptions): Promise<HeldTransaction> {
    const tx = this.client as PgliteTransaction;
    const name = `bt_test_sp${++this.#count}`;
    const exec = async (statement: string): Promise<void> => {
      this.engine.log?.(statement);
      await tx.exec(statement);
    };
    await exec(`savepoint ${name}`);
    if (options.readOnly) await exec('set local transaction_read_only = on');
    let over = false;
    return {
      client: tx,
      async end(commit) {
        if (over) return;
        over = true;
        if (commit && !options.readOnly) {
          await exec(`release savepoint ${name}`);
        } else {
          await exec(`rollback to savepoint ${name}`);
          await exec(`release savepoint ${name}`);
        }
      },
      get over() {
        return over;
      },
      abandon() {
        over = true;
      },
    };
  }
}

/** Waits for the request before to end its savepoint, at most `waitTimeout` seconds. */
function waitForTurn(previous: Promise<void>, options: OpenTransactionOptions): Promise<void> {
  if (options.waitTimeout <= 0 && options.signal === undefined) return previous;
  return new Promise<void>((resolve, reject) => {
    const timer =
      options.waitTimeout > 0
        ? setTimeout(() => {
            options.signal?.removeEventListener('abort', onAbort);
            reject(
              new BackendtsError('BT_DB_POOL_TIMEOUT', `no database transaction could start within ${options.waitTimeout} s: another request of the test held the test's transaction`, {
                hint: "requests inside a test transaction run their transactions one at a time: await one before the next needs the database, or raise [database] pool_timeout",
              }),
            );
          }, options.waitTimeout * 1000)
        : undefined;
    timer?.unref();
    const onAbort = (): void => {
      if (timer) clearTimeout(timer);
      reject(options.gone?.() ?? options.signal!.reason);
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    previous.then(() => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
