/**
 * The database session of one scope (one request): nothing until its first
 * statement, then one transaction held open until the scope commits, rolls
 * back or is released. Statements after the end are refused, so a handle
 * kept past its request can never write into someone else's connection.
 */
import type { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';
import { BackendtsError } from '../errors.js';
import type { DbEngine } from './engine.js';
import type { AnySchema } from './types.js';
import { asServiceUnavailable, isConnectionError, reasonOf } from './faults.js';
import { describeTarget } from './settings.js';
import { openTransaction, type HeldTransaction, type TransactionClient } from './transaction.js';

/** How a scope uses the database: a read-write or read-only transaction, or none (`false`: plain statements). */
export type TransactionMode = 'read-write' | 'read-only' | false;

/** What runs a scope's statements: its transaction, or the engine itself when it has none. */
export type SessionClient = TransactionClient | postgres.Sql | PGlite;

type Phase = 'idle' | 'open' | 'committed' | 'rolled-back' | 'released';

/** One scope's session; made by `getDbSession`'s getter on the scope's first use. */
export class ScopeSession {
  #phase: Phase = 'idle';
  #opening: Promise<SessionClient> | undefined;
  /** The client once the transaction is open (statements then skip the wait on `#opening`). */
  #ready: SessionClient | undefined;
  #held: HeldTransaction | undefined;
  /** The first statement error inside the transaction: PostgreSQL then refuses everything until rollback. */
  #aborted: unknown;
  #expired = false;
  #guard: NodeJS.Timeout | undefined;
  #afterCommit: (() => unknown)[] = [];

  constructor(
    private readonly engine: DbEngine<AnySchema>,
    /** The scope's mode, fixed when the session starts. */
    readonly mode: TransactionMode,
  ) {}

  /** True when statements run in a transaction of the scope's own. */
  get transactional(): boolean {
    return this.mode !== false;
  }

  /** True once a transaction was opened (or is opening). */
  get started(): boolean {
    return this.#opening !== undefined;
  }

  /** Runs one statement on the scope's client, opening the transaction first if needed. */
  run<T>(statement: (client: SessionClient) => PromiseLike<T>): Promise<T> {
    const ready = this.#readyClient();
    if (ready === undefined) return this.#openThenRun(statement);
    // The transaction is open: send at once, without waiting on the opening again.
    try {
      return Promise.resolve(statement(ready)).then(undefined, (error: unknown) => {
        throw this.#failed(error);
      });
    } catch (error) {
      return Promise.reject(this.#failed(error));
    }
  }

  async #openThenRun<T>(statement: (client: SessionClient) => PromiseLike<T>): Promise<T> {
    const client = await this.#client();
    try {
      return await statement(client);
    } catch (error) {
      throw this.#failed(error);
    }
  }

  /** The client, when the scope's transaction is open and usable; otherwise `#client()` says why not (or opens it). */
  #readyClient(): SessionClient | undefined {
    if (this.#ready === undefined || this.#phase !== 'open' || this.#expired || this.#held?.over) return undefined;
    return this.#ready;
  }

  /** Runs a nested transaction (a savepoint inside the scope's transaction); its errors do not abort the scope. */
  async nested<T>(body: (client: SessionClient) => Promise<T>): Promise<T> {
    const client = await this.#client();
    try {
      return await body(client);
    } catch (error) {
      if (isConnectionError(error)) throw this.#failed(error);
      throw error;
    }
  }

  /** Queues `fn` to run once the scope has committed; dropped on rollback. */
  onCommit(fn: () => unknown): void {
    this.#refuseWhenEnded('onCommit()');
    this.#afterCommit.push(fn);
  }

  /** Commits the transaction (if one was opened), then runs the `onCommit` callbacks. Fails when the commit fails. */
  async commit(): Promise<void> {
    if (this.#phase === 'committed') return;
    this.#refuseWhenEnded('commit()');
    if (this.#opening !== undefined && this.transactional) {
      // A failed open already failed the handler's statements; committing nothing must fail too.
      if (this.#ready === undefined) {
        await this.#opening.catch((error: unknown) => {
          this.#phase = 'rolled-back';
          throw asServiceUnavailable(error);
        });
      }
      if (this.#expired) {
        this.#phase = 'rolled-back';
        throw timeoutError(this.engine);
      }
      if (this.#held?.over) {
        this.#phase = 'rolled-back';
        throw asServiceUnavailable(connectionLostError(this.engine));
      }
      if (this.#aborted !== undefined) {
        await this.#end(false);
        throw new BackendtsError(
          'BT_DB_TRANSACTION_ABORTED',
          `the request's transaction was aborted by a failed statement (${reasonOf(this.#aborted)}); nothing was committed`,
          { hint: 'run statements that may fail inside db.transaction(...): it becomes a savepoint, and its failure leaves the request transaction usable', cause: this.#aborted },
        );
      }
      try {
        await this.#end(true);
      } catch (error) {
        this.#phase = 'rolled-back';
        throw asServiceUnavailable(error);
      }
    }
    this.#phase = 'committed';
    this.#stopGuard();
    if (this.#afterCommit.length > 0) await this.#runAfterCommit();
  }

  /** Rolls the transaction back (if one is open) and drops the `onCommit` callbacks. */
  async rollback(): Promise<void> {
    this.#afterCommit = [];
    if (this.#phase === 'idle' || this.#phase === 'open') {
      this.#phase = 'rolled-back';
      await this.#end(false).catch(() => {
        // A rollback that fails means the connection is gone, and the transaction with it.
      });
    }
  }

  /**
   * Ends the session: rolls back whatever was not committed and refuses any
   * later statement. Returns a promise only when there is something to roll back.
   */
  release(): Promise<void> | undefined {
    if (this.#phase === 'released') return undefined;
    if (this.#phase === 'idle' || this.#phase === 'open') {
      return this.rollback().then(() => this.#released());
    }
    this.#afterCommit = [];
    this.#released();
    return undefined;
  }

  #released(): void {
    this.#phase = 'released';
    this.#ready = undefined;
    this.#stopGuard();
  }

  #client(): Promise<SessionClient> {
    this.#refuseWhenEnded('a statement');
    if (this.#expired) return Promise.reject(timeoutError(this.engine));
    // postgres.js crashes the process on a statement sent to a transaction whose connection died.
    if (this.#held?.over) return Promise.reject(connectionLostError(this.engine));
    if (this.#opening === undefined) {
      this.#phase = 'open';
      if (this.transactional) {
        this.#opening = this.#open();
      } else {
        this.#ready = this.engine.client;
        this.#opening = Promise.resolve(this.#ready);
      }
    }
    return this.#opening;
  }

  async #open(): Promise<SessionClient> {
    const settings = this.engine.settings;
    let held: HeldTransaction;
    try {
      held = await openTransaction(this.engine, {
        isolationLevel: settings.isolationLevel,
        readOnly: this.mode === 'read-only',
        waitTimeout: settings.poolTimeout,
      });
    } catch (error) {
      throw asServiceUnavailable(error);
    }
    this.#held = held;
    if (this.#phase !== 'open') {
      // Released while the connection was on its way.
      await held.end(false).catch(() => {});
      throw this.#endedError('a statement');
    }
    this.#startGuard();
    this.#ready = held.client;
    return held.client;
  }

  async #end(commit: boolean): Promise<void> {
    if (this.#opening === undefined || !this.transactional) return;
    let held: HeldTransaction | undefined;
    if (this.#ready !== undefined) {
      held = this.#held;
    } else {
      try {
        await this.#opening;
        held = this.#held;
      } catch {
        return;
      }
    }
    this.#stopGuard();
    if (held === undefined || held.over) return;
    await held.end(commit);
  }

  #failed(error: unknown): unknown {
    // Nothing more may go down a connection that failed: not even the ROLLBACK.
    if (isConnectionError(error)) this.#held?.abandon();
    // A statement error (it has a SQLSTATE) aborts the whole PostgreSQL transaction.
    if (this.transactional && this.#aborted === undefined && !isConnectionError(error) && hasSqlState(error)) {
      this.#aborted = error;
    }
    return asServiceUnavailable(error);
  }

  // postgres.js dies on idle_in_transaction_session_timeout, so the limit on
  // how long a request may hold its transaction is enforced here instead.
  #startGuard(): void {
    const seconds = this.engine.settings.transactionTimeout;
    if (seconds <= 0) return;
    this.#guard = setTimeout(() => {
      this.#expired = true;
      void this.#end(false).catch(() => {});
    }, seconds * 1000);
    this.#guard.unref();
  }

  #stopGuard(): void {
    if (this.#guard !== undefined) clearTimeout(this.#guard);
    this.#guard = undefined;
  }

  async #runAfterCommit(): Promise<void> {
    const callbacks = this.#afterCommit;
    this.#afterCommit = [];
    for (const callback of callbacks) {
      try {
        await callback();
      } catch (error) {
        // The data is committed: a failing callback cannot undo it, nor turn the response into an error.
        console.error(`backendts: an onCommit callback failed: ${reasonOf(error)}`);
      }
    }
  }

  #refuseWhenEnded(what: string): void {
    if (this.#phase === 'released' || this.#phase === 'rolled-back' || (this.#phase === 'committed' && what !== 'commit()')) {
      throw this.#endedError(what);
    }
  }

  #endedError(what: string): BackendtsError {
    return new BackendtsError('BT_DB_SESSION_ENDED', `${what} was sent to a database session that has already ${describePhase(this.#phase)}`, {
      hint: 'use db_session() only while its request runs; work that outlives the request needs a handle of its own (engine.db)',
    });
  }
}

function describePhase(phase: Phase): string {
  return phase === 'committed' ? 'committed' : phase === 'rolled-back' ? 'been rolled back' : 'been released at the end of its request';
}

function hasSqlState(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

function connectionLostError(engine: DbEngine<AnySchema>): BackendtsError {
  return new BackendtsError('BT_DB_CONNECTION_LOST', `the connection to the ${describeTarget(engine.settings.target)} was lost during the request's transaction`, {
    hint: 'the transaction was rolled back by the server; the request may be retried',
  });
}

function timeoutError(engine: DbEngine<AnySchema>): BackendtsError {
  return new BackendtsError(
    'BT_DB_TRANSACTION_TIMEOUT',
    `the request held its database transaction longer than transaction_timeout (${engine.settings.transactionTimeout} s); it was rolled back`,
    { hint: 'make the request hold its transaction for less time, or raise [database] transaction_timeout' },
  );
}
