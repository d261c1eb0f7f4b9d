/**
 * `getDbSession(engine, scope)`: the seed's scoped session. It returns the
 * getter `db_session()`; each scope (each request, with `bp.getCurrentRequest`
 * as the scope function) gets its own lazily opened transaction, and the
 * getter's `commit`, `rollback` and `remove` act on the current scope's.
 */
import { BackendtsError } from '../core/errors.js';
import type { DbEngine } from './engine.js';
import { guardUnhandledRefusals } from './late-statements.js';
import { ScopeSession, type ScopeOwner, type TransactionMode } from './scope-session.js';
import { scopedDatabase } from './scoped-client.js';
import type { AnySchema, DbSession, RegisteredSchema } from './types.js';

/** Returns the current scope's key (e.g. the current request); throws or returns nothing outside a scope. */
export type ScopeFunction = () => unknown;

/** Options of {@link getDbSession}. */
export interface GetDbSessionOptions {
  /** The transaction a scope gets (read from the route for requests); `'read-write'` when not given. */
  mode?: (key: object | string | number | symbol | bigint | boolean) => TransactionMode;
  /** Names a scope in errors and log lines (for requests: method and path). */
  label?: (key: unknown) => string;
  /** A signal that aborts once nobody waits for the scope (for requests: the client left); a scope whose signal aborted opens no transaction. */
  signal?: (key: unknown) => AbortSignal | undefined;
  /**
   * Where a statement refused after its scope ended is reported when nothing
   * handled the refusal (a statement not awaited, or sent from a timer): it
   * is logged there instead of ending the process. Defaults to the console.
   */
  report?: (error: Error) => void;
}

/** Options of `db_session(options)`; they count only before the scope's first statement. */
export interface DbSessionOptions {
  /**
   * `true`: run the scope's transaction on a read replica (`[database]
   * replicas`), read-only; `false`: on the primary. Default: a replica for
   * routes with `transaction: 'read-only'`, the primary otherwise. Once the
   * scope has sent a statement it stays where it is, so a request reads what
   * it wrote. Without replicas (or on PGlite), `true` still makes the
   * transaction read-only, so a write fails alike everywhere.
   */
  replica?: boolean;
}

/** The getter `db_session()` plus the operations on the current scope's session. */
export interface DbSessionGetter<TSchema extends AnySchema = RegisteredSchema> {
  /** The current scope's database handle. The first statement sent through it opens the scope's transaction. */
  (options?: DbSessionOptions): DbSession<TSchema>;
  /** The engine the sessions run on. */
  readonly engine: DbEngine<TSchema>;
  /** Commits the scope's transaction (if it opened one) and runs its `onCommit` callbacks; fails when the commit fails. */
  commit(key?: unknown): Promise<void>;
  /** Rolls back the scope's transaction and drops its `onCommit` callbacks. */
  rollback(key?: unknown): Promise<void>;
  /** Ends the scope's session, rolling back anything not committed; later statements in that scope are refused. */
  remove(key?: unknown): Promise<void>;
  /** True when `db_session()` was called in the scope (it then has a session to commit or release). */
  has(key?: unknown): boolean;
  /** Runs `fn` after the scope's transaction commits; never after a rollback. */
  onCommit(fn: () => unknown, key?: unknown): void;
  /** True when the scope has sent (or is sending) a statement. */
  isActive(key?: unknown): boolean;
}

const GETTER = Symbol.for('backendts.db.sessionGetter');

/**
 * Makes the scoped-session getter for `engine`. `scope` identifies the
 * current scope (`() => bp.getCurrentRequest()` for requests). Nothing
 * touches the database until a scope's first statement.
 */
export function getDbSession<TSchema extends AnySchema = RegisteredSchema>(
  engine: DbEngine<TSchema>,
  scope: ScopeFunction,
  options: GetDbSessionOptions = {},
): DbSessionGetter<TSchema> {
  // Requests are objects and are forgotten with them; other keys (a script's
  // 'main') live until removed.
  const byObject = new WeakMap<object, ScopeSession>();
  const byValue = new Map<unknown, ScopeSession>();
  const modeOf = options.mode ?? (() => 'read-write' as const);
  const owner: ScopeOwner = {
    ...(options.label && { label: options.label }),
    ...(options.signal && { signal: options.signal }),
    ...(options.report && { report: options.report }),
  };
  guardUnhandledRefusals();

  const currentKey = (): object | string | number | symbol | bigint | boolean => {
    let key: unknown;
    try {
      key = scope();
    } catch (error) {
      throw outsideScopeError(error);
    }
    if (key === undefined || key === null) throw outsideScopeError(undefined);
    return key as object;
  };
  const find = (key: unknown): ScopeSession | undefined =>
    typeof key === 'object' || typeof key === 'function' ? byObject.get(key as object) : byValue.get(key);
  const sessionFor = (key: object | string | number | symbol | bigint | boolean): ScopeSession => {
    let session = find(key);
    if (session === undefined) {
      session = new ScopeSession(engine as unknown as DbEngine<AnySchema>, modeOf(key), key, owner);
      if (typeof key === 'object' || typeof key === 'function') byObject.set(key as object, session);
      else byValue.set(key, session);
    }
    return session;
  };
  const keyOrCurrent = (key: unknown) => (key === undefined ? currentKey() : (key as object));

  const release = (key: unknown): Promise<void> | undefined => {
    const session = find(key);
    if (session === undefined) return undefined;
    // A primitive key can start over; a request object cannot (its handle may still be around).
    if (typeof key !== 'object' && typeof key !== 'function') byValue.delete(key);
    return session.release();
  };

  const handle = scopedDatabase(engine, () => sessionFor(currentKey()));
  const getter = Object.assign(
    (options?: DbSessionOptions): DbSession<TSchema> => {
      const session = sessionFor(currentKey());
      if (options?.replica !== undefined) session.preferReplica(options.replica);
      return handle;
    },
    {
      engine,
      commit(key?: unknown) {
        return settle(() => find(keyOrCurrent(key))?.commit());
      },
      rollback(key?: unknown) {
        return settle(() => find(keyOrCurrent(key))?.rollback());
      },
      async remove(key?: unknown) {
        await release(keyOrCurrent(key));
      },
      onCommit(fn: () => unknown, key?: unknown) {
        sessionFor(keyOrCurrent(key)).onCommit(fn);
      },
      has(key?: unknown) {
        return find(keyOrCurrent(key)) !== undefined;
      },
      isActive(key?: unknown) {
        return find(keyOrCurrent(key))?.started ?? false;
      },
    },
  );
  Object.defineProperty(handle, GETTER, { value: getter });
  releasers.set(getter as DbSessionGetter<AnySchema>, release);
  return getter;
}

const DONE: Promise<void> = Promise.resolve();

/** The operation's promise (a resolved one when there was nothing to do); a throw becomes a rejection. */
function settle(operation: () => Promise<void> | undefined): Promise<void> {
  try {
    return operation() ?? DONE;
  } catch (error) {
    return Promise.reject(error);
  }
}

const releasers = new WeakMap<DbSessionGetter<AnySchema>, (key: unknown) => Promise<void> | undefined>();

/**
 * Internal: `getter.remove(key)` for the request path, which returns a
 * promise only when a transaction is left to roll back (a committed request
 * ends without one).
 */
export function releaseScope(getter: DbSessionGetter<AnySchema>, key: unknown): Promise<void> | undefined {
  return releasers.get(getter)!(key);
}

/**
 * Runs `fn` once the request's transaction has committed, and never if it
 * rolls back. `db` is the handle from `db_session()`.
 */
export function onCommit(db: DbSession<AnySchema>, fn: () => unknown): void {
  const getter = (db as unknown as Record<symbol, DbSessionGetter<AnySchema> | undefined>)[GETTER];
  if (getter === undefined) {
    throw new BackendtsError('BT_DB_NOT_A_SESSION', 'onCommit() was given a database that is not a request session', {
      hint: 'pass the handle returned by db_session() (not engine.db, nor the tx of a nested db.transaction())',
    });
  }
  getter.onCommit(fn);
}

function outsideScopeError(cause: unknown): BackendtsError {
  return new BackendtsError('BT_NO_REQUEST', 'db_session() was used outside of a request (its scope function found no current scope)', {
    hint: 'use db_session() in handlers, middlewares and request hooks; elsewhere use engine.db, or getDbSession(engine, scope) with a scope of your own',
    ...(cause !== undefined && { cause }),
  });
}
