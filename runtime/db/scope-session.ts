/**
 * The database session of one scope (one request): nothing until its first
 * statement, then one transaction held open until the scope commits, rolls
 * back or is released. Once the scope starts to end, statements are refused,
 * so a handle kept past its request can never write outside its transaction.
 *
 * Every statement is counted while it is on its way: the commit waits until
 * each one has its answer, so a statement that failed in flight turns the
 * commit into a rollback instead of a COMMIT that PostgreSQL answers with
 * ROLLBACK.
 */
import type { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';
import { ExceptionResponse } from '../core/error-list.js';
import { BackendtsError } from '../core/errors.js';
import type { DbEngine } from './engine.js';
import type { AnySchema } from './types.js';
import { asServiceUnavailable, isConnectionError, preparedStatementFault, reasonOf } from './faults.js';
import { markRefusal, type RefusalReport } from './late-statements.js';
import { describeTarget } from './settings.js';
import { sharedTransactionOf } from './shared-transaction.js';
import { openTransaction, type HeldTransaction, type OpenTransactionOptions, type TransactionClient } from './transaction.js';
import type { Replica } from './replicas.js';

/** How a scope uses the database: a read-write or read-only transaction, or none (`false`: plain statements). */
export type TransactionMode = 'read-write' | 'read-only' | false;

/** What runs a scope's statements: its transaction, or the engine itself when it has none. */
export type SessionClient = TransactionClient | postgres.Sql | PGlite;

/** What a session knows of its scope, shared by every session of one getter. */
export interface ScopeOwner {
  /** Names the scope in log lines (`POST /users`). */
  label?(key: unknown): string;
  /** Aborted when nobody waits for the scope any more (the client left): no transaction is opened then. */
  signal?(key: unknown): AbortSignal | undefined;
  /** Reports a refused statement that nothing handled. */
  report?: RefusalReport;
}

type Phase = 'idle' | 'open' | 'ending' | 'committed' | 'rolled-back' | 'released';

/** One scope's session; made by `getDbSession`'s getter on the scope's first use. */
export class ScopeSession {
  #phase: Phase = 'idle';
  #opening: Promise<SessionClient> | undefined;
  /** The client once the transaction is open (statements then skip the wait on `#opening`). */
  #ready: SessionClient | undefined;
  #held: HeldTransaction | undefined;
  /** The first statement error outside savepoints: PostgreSQL then refuses everything until rollback. */
  #aborted: unknown;
  #expired = false;
  #guard: NodeJS.Timeout | undefined;
  #afterCommit: (() => unknown)[] = [];
  #committing: Promise<void> | undefined;
  /** Statements (and nested transactions) sent and not yet answered. */
  #pending = 0;
  #whenSettled: (() => void) | undefined;
  /** Whether to read from a replica: asked by the handler, else the route's (read-only routes do). */
  #replicaAsked: boolean | undefined;
  /** The replica the transaction runs on, once opened there. */
  #replica: Replica | undefined;
  /** True when the transaction was opened to read from a replica (read-only, even when the primary stood in). */
  #forReplica = false;

  constructor(
    private readonly engine: DbEngine<AnySchema>,
    /** The scope's mode, fixed when the session starts. */
    readonly mode: TransactionMode,
    private readonly key: unknown,
    private readonly owner: ScopeOwner,
  ) {}

  /** True when statements run in a transaction of the scope's own. */
  get transactional(): boolean {
    return this.mode !== false;
  }

  /**
   * `db_session({ replica })`: before the first statement, chooses the
   * server (a replica, in a read-only transaction, or the primary); later
   * the session stays where it is, so what it wrote it also reads.
   */
  preferReplica(replica: boolean): void {
    if (this.#opening === undefined) this.#replicaAsked = replica;
  }

  /** The read replica the session's transaction runs on, if it went to one. */
  get replica(): Replica | undefined {
    return this.#replica;
  }

  /** True once a transaction was opened (or is opening). */
  get started(): boolean {
    return this.#opening !== undefined;
  }

  /** True when the scope's transaction was lost with its connection: nothing may be sent on it any more. */
  get connectionLost(): boolean {
    return this.#held?.over === true && (this.#phase === 'open' || this.#phase === 'ending');
  }

  /**
   * Runs one statement, opening the transaction first if needed. `savepoint`
   * is the client of a nested transaction the statement belongs to: its
   * failure then aborts that savepoint only.
   */
  run<T>(statement: (client: SessionClient) => PromiseLike<T>, savepoint?: SessionClient): Promise<T> {
    let client = savepoint;
    if (client === undefined) {
      client = this.#readyClient();
      if (client === undefined) return this.#openThenRun(statement);
    } else {
      const refusal = this.#refusal('a statement');
      if (refusal !== undefined) return Promise.reject(asServiceUnavailable(refusal));
    }
    this.#pending++;
    let sent: PromiseLike<T>;
    try {
      sent = statement(client);
    } catch (error) {
      const failure = this.#failed(error, savepoint !== undefined);
      this.#settled();
      return Promise.reject(failure);
    }
    return Promise.resolve(sent).then(
      (value) => {
        this.#settled();
        return value;
      },
      (error: unknown) => {
        const failure = this.#failed(error, savepoint !== undefined);
        this.#settled();
        throw failure;
      },
    );
  }

  async #openThenRun<T>(statement: (client: SessionClient) => PromiseLike<T>): Promise<T> {
    this.#pending++;
    try {
      const client = await this.#client();
      return await statement(client);
    } catch (error) {
      throw this.#failed(error, false);
    } finally {
      this.#settled();
    }
  }

  /** The client, when the scope's transaction is open and usable; otherwise `#client()` says why not (or opens it). */
  #readyClient(): SessionClient | undefined {
    if (this.#ready === undefined || this.#phase !== 'open' || this.#expired || this.#held?.over) return undefined;
    return this.#ready;
  }

  /**
   * Runs a nested transaction (a savepoint inside the scope's transaction, or
   * a transaction of its own when the scope has none). `within` is the client
   * of the savepoint it is nested in, if any. Its errors do not abort the scope.
   */
  async nested<T>(body: (client: SessionClient) => Promise<T>, within?: SessionClient): Promise<T> {
    this.#pending++;
    try {
      let client = within;
      if (client === undefined) {
        client = await this.#client();
      } else {
        const refusal = this.#refusal('a statement');
        if (refusal !== undefined) throw refusal;
      }
      return await body(client);
    } catch (error) {
      if (isConnectionError(error)) throw this.#failed(error, true);
      throw error;
    } finally {
      this.#settled();
    }
  }

  /** The error a nested transaction fails with when its connection was lost and its own error was caught. */
  lostError(): BackendtsError {
    return connectionLostError(this.engine);
  }

  /** Queues `fn` to run once the scope has committed; dropped on rollback. */
  onCommit(fn: () => unknown): void {
    const refusal = this.#refusal('onCommit()');
    if (refusal !== undefined) throw refusal;
    this.#afterCommit.push(fn);
  }

  /**
   * Commits the transaction (if one was opened) once every statement sent has
   * its answer, then runs the `onCommit` callbacks. Fails when nothing was
   * committed, or with `commit_outcome_unknown` when the connection was lost
   * after COMMIT was sent.
   */
  commit(): Promise<void> {
    if (this.#committing !== undefined) return this.#committing;
    const refusal = this.#refusal('commit()');
    if (refusal !== undefined) return Promise.reject(asServiceUnavailable(refusal));
    this.#committing = this.#commit();
    return this.#committing;
  }

  async #commit(): Promise<void> {
    const hadTransaction = this.#opening !== undefined && this.transactional;
    // From here on, every new statement is refused: it would run after the COMMIT.
    this.#phase = 'ending';
    if (hadTransaction) {
      if (this.#ready === undefined) {
        // A failed open already failed the handler's statements; committing nothing must fail too.
        await this.#opening!.catch((error: unknown) => {
          this.#phase = 'rolled-back';
          throw asServiceUnavailable(error);
        });
      }
      // Statements still on their way belong to this transaction: their answers decide it.
      if (this.#pending > 0 && !this.#expired) await new Promise<void>((resolve) => (this.#whenSettled = resolve));
      if (this.#expired) {
        this.#phase = 'rolled-back';
        throw timeoutError(this.engine);
      }
      if (this.#held?.over) {
        this.#phase = 'rolled-back';
        throw asServiceUnavailable(connectionLostError(this.engine));
      }
      if (this.#aborted !== undefined) {
        this.#phase = 'rolled-back';
        await this.#end(false).catch(() => {});
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
        throw commitFailed(this.engine, error);
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
   * later statement. Returns a promise only when there is something to wait for.
   */
  release(): Promise<void> | undefined {
    if (this.#phase === 'released') return undefined;
    if (this.#phase === 'idle' || this.#phase === 'open') {
      return this.rollback().then(() => this.#released());
    }
    if (this.#phase === 'ending') {
      // A commit in progress is finished, not cut: its outcome is already decided.
      return this.#committing!.then(
        () => this.#released(),
        () => this.#released(),
      );
    }
    this.#afterCommit = [];
    this.#released();
    return undefined;
  }

  #released(): void {
    this.#phase = 'released';
    this.#afterCommit = [];
    this.#ready = undefined;
    this.#stopGuard();
  }

  #client(): Promise<SessionClient> {
    const refusal = this.#refusal('a statement');
    if (refusal !== undefined) return Promise.reject(refusal);
    if (this.#opening === undefined) {
      this.#phase = 'open';
      if (this.transactional) {
        this.#opening = this.#open();
      } else {
        this.#ready = sharedTransactionOf(this.engine)?.client ?? this.engine.client;
        this.#opening = Promise.resolve(this.#ready);
      }
    }
    return this.#opening;
  }

  async #open(): Promise<SessionClient> {
    const settings = this.engine.settings;
    const signal = this.owner.signal?.(this.key);
    const replica = this.#pickReplica();
    const options = {
      isolationLevel: settings.isolationLevel,
      readOnly: this.mode === 'read-only' || this.#replicaAsked === true,
      waitTimeout: settings.poolTimeout,
      signal,
      gone: clientGoneError,
    };
    let held: HeldTransaction;
    try {
      if (signal?.aborted) throw clientGoneError();
      this.#forReplica = this.#replicaAsked === true || replica !== undefined;
      held = replica === undefined ? await openTransaction(this.engine, options) : await this.#openOnReplica(replica, options);
    } catch (error) {
      throw asServiceUnavailable(error);
    }
    this.#held = held;
    // 'ending': a statement sent before the commit started is still part of the transaction.
    if (this.#phase !== 'open' && this.#phase !== 'ending') {
      // Released while the connection was on its way.
      await held.end(false).catch(() => {});
      throw this.#endedError('a statement');
    }
    this.#startGuard();
    this.#ready = held.client;
    return held.client;
  }

  /** The replica to open the transaction on: when asked (or the route is read-only), there are replicas, and no test transaction is shared. */
  #pickReplica(): Replica | undefined {
    const engine = this.engine;
    if (engine.driver !== 'postgres' || !engine.replicas.configured || sharedTransactionOf(engine) !== undefined) return undefined;
    if (!(this.#replicaAsked ?? this.mode === 'read-only')) return undefined;
    return engine.replicas.pick();
  }

  /** Opens on `replica`; when it cannot be reached (or is too busy to answer within connect_timeout), on the primary. */
  async #openOnReplica(replica: Replica, options: OpenTransactionOptions): Promise<HeldTransaction> {
    try {
      const held = await openTransaction(this.engine, { ...options, replica });
      // As on the primary: the array types are fetched once, by the first connection.
      replica.client.options.fetch_types = false;
      this.#replica = replica;
      return held;
    } catch (error) {
      if (!isConnectionError(error) && !isReplicaTimeout(error)) throw error;
      if (this.engine.driver === 'postgres') this.engine.replicas.skip(replica);
      if (options.signal?.aborted) throw clientGoneError();
      // Still read-only: a write must fail alike whether the replica is up or not.
      return openTransaction(this.engine, options);
    }
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

  #settled(): void {
    if (--this.#pending === 0 && this.#whenSettled !== undefined) {
      const wake = this.#whenSettled;
      this.#whenSettled = undefined;
      wake();
    }
  }

  #failed(error: unknown, inSavepoint: boolean): unknown {
    // Nothing more may go down a connection that failed: not even the ROLLBACK.
    if (isConnectionError(error)) this.#held?.abandon();
    // A statement error (it has a SQLSTATE) aborts the whole PostgreSQL transaction, unless a savepoint takes it.
    else if (this.transactional && !inSavepoint && this.#aborted === undefined && hasSqlState(error)) this.#aborted = error;
    if (this.#forReplica && (error as { code?: unknown } | null)?.code === READ_ONLY_TRANSACTION) {
      return replicaWriteError(this.#replica?.where ?? 'primary (standing in for a replica that was down)', this.owner.label?.(this.key), error);
    }
    return asServiceUnavailable(preparedStatementFault(error, this.engine.settings) ?? error);
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

  /** Why `what` may not be sent now, or undefined when it may. */
  #refusal(what: string): unknown {
    const phase = this.#phase;
    if (phase === 'released' || phase === 'rolled-back' || phase === 'ending' || (phase === 'committed' && what !== 'commit()')) {
      return this.#endedError(what);
    }
    if (this.#expired) return timeoutError(this.engine);
    // postgres.js crashes the process on a statement sent to a transaction whose connection died.
    if (this.#held?.over) return connectionLostError(this.engine);
    return undefined;
  }

  #endedError(what: string): BackendtsError {
    const scope = this.owner.label?.(this.key);
    const error = new BackendtsError(
      'BT_DB_SESSION_ENDED',
      `${what} was sent to the database session of ${scope ?? 'a scope'} after it had ${describePhase(this.#phase)}; it was not run`,
      { hint: 'await every statement before the handler returns; work that outlives the request needs a handle of its own (engine.db)' },
    );
    return markRefusal(error, this.owner.report);
  }
}

function describePhase(phase: Phase): string {
  switch (phase) {
    case 'ending':
      return 'started to commit';
    case 'committed':
      return 'committed';
    case 'rolled-back':
      return 'been rolled back';
    default:
      return 'been released at the end of its request';
  }
}

/** SQLSTATE 25006, read_only_sql_transaction: a write in a read-only transaction. */
const READ_ONLY_TRANSACTION = '25006';

function isReplicaTimeout(error: unknown): boolean {
  return error instanceof BackendtsError && error.code === 'BT_DB_REPLICA_TIMEOUT';
}

/**
 * A write sent in a transaction on a replica. It cannot move to the primary
 * then: what the request read came from the replica's snapshot, which may lag.
 */
function replicaWriteError(where: string, scope: string | undefined, cause: unknown): BackendtsError {
  return new BackendtsError(
    'BT_DB_REPLICA_WRITE',
    `${scope ?? 'a scope'} wrote in its read-only transaction for reading from a replica, on the ${where} (${reasonOf(cause)}); nothing was written`,
    {
      hint: 'a request that writes must not read from a replica: drop replica: true from db_session(), call db_session({ replica: false }) before the first statement, or make the route read-write',
      cause,
    },
  );
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

/**
 * A COMMIT that fails with a connection error may or may not have been
 * applied; any other failure (a deferred constraint, a serialization
 * failure) means nothing was committed.
 */
function commitFailed(engine: DbEngine<AnySchema>, error: unknown): unknown {
  if (!isConnectionError(error)) return error;
  const cause = new BackendtsError(
    'BT_DB_COMMIT_UNKNOWN',
    `the connection to the ${describeTarget(engine.settings.target)} was lost while the request's transaction was committing: it may or may not have been committed`,
    { hint: 'check whether the change was saved before retrying; make retried writes idempotent (e.g. a unique request id)', cause: error },
  );
  return new ExceptionResponse('commit_outcome_unknown', { cause });
}

function clientGoneError(): ExceptionResponse {
  return new ExceptionResponse('client_closed_request', {
    message: 'The client left before the request opened its database transaction; none was opened.',
  });
}

function timeoutError(engine: DbEngine<AnySchema>): BackendtsError {
  return new BackendtsError(
    'BT_DB_TRANSACTION_TIMEOUT',
    `the request held its database transaction longer than transaction_timeout (${engine.settings.transactionTimeout} s); it was rolled back`,
    { hint: 'make the request hold its transaction for less time, or raise [database] transaction_timeout' },
  );
}
