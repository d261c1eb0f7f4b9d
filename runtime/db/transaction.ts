/**
 * Opens one database transaction and holds it open until told to commit or
 * roll back. The driver's own transaction function runs it (postgres.js
 * `begin`, PGlite `transaction`), so BEGIN/COMMIT/ROLLBACK, savepoints and a
 * failed query's abort are handled the way the driver means them to be;
 * the callback simply waits until the request is done.
 */
import type { Transaction as PgliteTransaction } from '@electric-sql/pglite';
import type postgres from 'postgres';
import { BackendtsError } from '../core/errors.js';
import type { DbEngine } from './engine.js';
import { isConnectionError, reasonOf } from './faults.js';
import { describeTarget, type IsolationLevel } from './settings.js';
import { sharedTransactionOf } from './shared-transaction.js';
import { slotsOf, type SlotTicket } from './transaction-slots.js';
import type { AnySchema } from './types.js';
import type { Replica } from './replicas.js';

/** A client for the statements of one open transaction. */
export type TransactionClient = postgres.TransactionSql | PgliteTransaction;

/** An open transaction, waiting for its end. */
export interface HeldTransaction {
  /** Runs the transaction's statements. */
  readonly client: TransactionClient;
  /** Ends it: commits (`true`) or rolls back (`false`); rejects when the commit fails. */
  end(commit: boolean): Promise<void>;
  /** True once the transaction is over, including when its connection died under it. */
  readonly over: boolean;
  /** Gives up on a transaction whose connection failed: nothing more is sent on it. */
  abandon(): void;
}

/** How to open the transaction. */
export interface OpenTransactionOptions {
  isolationLevel: IsolationLevel;
  readOnly: boolean;
  /** Seconds to wait for a connection (or, on PGlite, for the transaction before it); 0 waits forever. */
  waitTimeout: number;
  /** Aborted when nobody waits for the transaction any more: the wait ends with `gone()`, and a connection that arrives later is rolled back. */
  signal?: AbortSignal | undefined;
  /** The error the open fails with when `signal` aborts. */
  gone?: () => unknown;
  /** Opens it on this read replica's pool instead of the primary's (PostgreSQL only). */
  replica?: Replica | undefined;
}

/** Thrown inside the driver's callback to make it roll back; never seen outside. */
const ROLLBACK = Symbol('rollback');

/**
 * Opens a transaction on the engine; fails with `BT_DB_POOL_TIMEOUT` when none
 * could start in time, or `BT_DB_UNREACHABLE` when connections were failing
 * meanwhile (then the wait is at most `connect_timeout`).
 */
export function openTransaction(engine: DbEngine<AnySchema>, options: OpenTransactionOptions): Promise<HeldTransaction> {
  // A test's transaction is shared: the request's becomes a savepoint in it.
  const joined = sharedTransactionOf(engine);
  if (joined !== undefined) return joined.open(options);
  const characteristics = `isolation level ${options.isolationLevel}${options.readOnly ? ' read only' : ''}`;
  const replica = engine.driver === 'postgres' ? options.replica : undefined;
  const pool = replica?.client ?? engine.client;
  const availability = replica?.availability ?? (engine.driver === 'postgres' ? engine.availability : undefined);
  const attempt = availability?.attempt();
  // While the server is known to be down, waiting longer than one connection attempt only delays the 503.
  const waitTimeout = availability?.down || replica !== undefined ? outageWait(options.waitTimeout, engine.settings.connectTimeout) : options.waitTimeout;
  return new Promise<HeldTransaction>((resolve, reject) => {
    let settled = false;
    let connected = false;
    let abandoned = false;
    let over = false;
    let ticket: SlotTicket | undefined;
    let finish!: (commit: boolean) => void;
    const decision = new Promise<boolean>((decide) => (finish = decide));
    const timer =
      waitTimeout > 0
        ? setTimeout(() => {
            if (settled) return;
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            // The driver may still hand us the connection later: it is rolled back at once.
            abandoned = true;
            ticket?.cancel();
            reject(replica === undefined ? poolTimeoutError(engine, waitTimeout) : replicaTimeoutError(replica, waitTimeout));
          }, waitTimeout * 1000)
        : undefined;
    timer?.unref();
    const signal = options.signal;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      abandoned = true;
      ticket?.cancel();
      if (timer) clearTimeout(timer);
      reject(options.gone?.() ?? signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const stopWaiting = (): void => {
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };

    const hold = async (client: TransactionClient): Promise<void> => {
      connected = true;
      attempt?.succeeded();
      if (abandoned) throw ROLLBACK;
      stopWaiting();
      resolve({
        client,
        end,
        get over() {
          return over;
        },
        abandon() {
          over = true;
        },
      });
      if (!(await decision)) throw ROLLBACK;
    };

    let outcome!: Promise<void>;
    const start = (): void => {
      if (abandoned) {
        // Nobody waits for it any more: give the slot to the next in line.
        slots.release();
        return;
      }
      const done: Promise<unknown> =
        engine.driver === 'postgres'
          ? (pool as postgres.Sql).begin(characteristics, hold)
          : engine.client.transaction(async (tx) => {
              engine.log?.('BEGIN');
              const statement = `set transaction ${characteristics}`;
              engine.log?.(statement);
              await tx.exec(statement);
              await hold(tx);
              engine.log?.('COMMIT');
            });
      outcome = done.then(
        () => {
          over = true;
          slots.release();
        },
        (error: unknown) => {
          over = true;
          slots.release();
          if (error === ROLLBACK) {
            if (engine.driver === 'pglite') engine.log?.('ROLLBACK');
            return undefined;
          }
          throw error;
        },
      );
      // Failing to open at all (e.g. the server is down) rejects the open itself.
      outcome.catch((error: unknown) => {
        // Only a failure to get a connection says the server is down; a transaction lost later may be one session ended.
        if (!connected && isConnectionError(error)) attempt?.failed(error);
        if (settled) return;
        stopWaiting();
        reject(error);
      });
    };
    const slots = slotsOf(pool, engine.driver === 'postgres' ? engine.settings.poolSize : 1);
    ticket = slots.take(start);

    function end(commit: boolean): Promise<void> {
      // Ended already means the connection died under the transaction
      // (postgres.js rejects at once): a ROLLBACK sent now would wait forever.
      if (!over) finish(commit);
      return outcome;
    }
  });
}

/** The wait for a connection while the server is down: at most `connect_timeout` (0 means no bound). */
function outageWait(waitTimeout: number, connectTimeout: number): number {
  if (connectTimeout <= 0) return waitTimeout;
  return waitTimeout > 0 ? Math.min(waitTimeout, connectTimeout) : connectTimeout;
}

function replicaTimeoutError(replica: Replica, seconds: number): BackendtsError {
  return new BackendtsError('BT_DB_REPLICA_TIMEOUT', `no transaction could start on the ${replica.where} within ${seconds} s`, {
    hint: 'the request reads from the primary instead; check the replica, or raise [database] connect_timeout',
  });
}

function poolTimeoutError(engine: DbEngine<AnySchema>, seconds: number): BackendtsError {
  if (engine.driver === 'postgres' && engine.availability.down) {
    // Connections are failing, not busy: say so, or the hint sends people to raise pool_size.
    const last = engine.availability.lastError;
    return new BackendtsError(
      'BT_DB_UNREACHABLE',
      `cannot reach the ${describeTarget(engine.settings.target)}: no connection could be opened within ${seconds} s${last === undefined ? '' : ` (last error: ${reasonOf(last)})`}`,
      { hint: 'check that PostgreSQL is running and that [database] host and port (or url / DATABASE_URL) point to it; requests get 503 until it answers', ...(last !== undefined && { cause: last }) },
    );
  }
  const what =
    engine.driver === 'postgres'
      ? `all ${engine.settings.poolSize} connections of the pool stayed busy`
      : 'the embedded database stayed busy with other transactions';
  return new BackendtsError('BT_DB_POOL_TIMEOUT', `no database transaction could start within ${seconds} s: ${what}`, {
    hint: 'raise [database] pool_size or pool_timeout, or make requests hold their transaction for less time',
  });
}
