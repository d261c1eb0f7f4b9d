/**
 * The Drizzle database handed out by `db_session()`. It is built once per
 * getter (building Drizzle with a large schema is too slow for every
 * request) on a small client that finds the current scope's transaction for
 * each statement, opening it on the first one. Drizzle's nested
 * `db.transaction()` on it becomes a savepoint of that transaction.
 *
 * Every statement, savepoints' included, goes through the scope's session:
 * it is counted until answered, and refused once the scope ends or its
 * connection died (postgres.js ends the process when a statement is written
 * to a connection that has closed).
 */
import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import { drizzleCasing } from './casing.js';
import type { DbEngine } from './engine.js';
import { pgliteDriver } from './pglite-driver.js';
import type { ScopeSession, SessionClient } from './scope-session.js';
import type { AnySchema, DbSession } from './types.js';

/** Finds (or starts) the session of the current scope. */
export type SessionResolver = () => ScopeSession;

/** Builds the Drizzle handle whose statements run in the current scope's transaction. */
export function scopedDatabase<TSchema extends AnySchema>(engine: DbEngine<TSchema>, resolve: SessionResolver): DbSession<TSchema> {
  if (engine.driver === 'postgres') {
    return drizzlePostgres({
      client: postgresClient(engine.client, resolve) as unknown as postgres.Sql,
      schema: engine.schema,
      ...drizzleCasing(engine.settings),
    }) as unknown as DbSession<TSchema>;
  }
  return pgliteDriver().drizzle({
    client: pgliteClient(engine as unknown as DbEngine<AnySchema>, resolve) as never,
    schema: engine.schema,
    ...drizzleCasing(engine.settings),
    ...(engine.log && { logger: { logQuery: (query: string) => engine.log!(query) } }),
  }) as unknown as DbSession<TSchema>;
}

type Unsafe = (query: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) => {
  values(): Promise<unknown>;
  then<A, B>(onFulfilled?: (value: unknown) => A, onRejected?: (reason: unknown) => B): Promise<A | B>;
};

/**
 * What Drizzle's postgres.js session uses of a client: `unsafe` (and
 * `.values()`), `begin` at the top, `savepoint` inside a transaction, `options`.
 */
function postgresClient(pool: postgres.Sql, resolve: SessionResolver) {
  const prepare = pool.options.prepare;
  return {
    // Drizzle registers its type parsers here; they are the pool's own.
    options: pool.options,
    unsafe: statementsOn(resolve, prepare, undefined),
    begin<T>(fn: (sql: unknown) => T | Promise<T>) {
      const session = resolve();
      if (!session.transactional) {
        // No request transaction: a nested one is a transaction of its own, outside the session's count.
        return session.nested((client) => (client as postgres.Sql).begin((sql) => fn(preparing(sql, prepare))));
      }
      return session.nested((client) => savepoint(session, client as postgres.TransactionSql, prepare, fn));
    },
  };
}

/**
 * `unsafe()` for Drizzle, sending through the scope's session. Drizzle asks
 * for an unnamed statement unless the query was given a name; the pool's own
 * setting (`[database] prepare`) decides instead, as it does for postgres.js's
 * tagged templates: a prepared statement is parsed once per connection rather
 * than on every request. `savepoint` is the client of the nested transaction
 * the statements belong to, if any.
 */
function statementsOn(resolve: SessionResolver, prepare: boolean, savepoint: postgres.TransactionSql | undefined): Unsafe {
  return (query, params, options) => {
    const session = resolve();
    const queryOptions = { ...options, prepare };
    const run = (values: boolean) =>
      session.run((client: SessionClient) => {
        const pending = (client as postgres.Sql).unsafe(query, params as postgres.ParameterOrJSON<never>[], queryOptions);
        return values ? pending.values() : pending;
      }, savepoint);
    return {
      values: () => run(true),
      then: <A, B>(onFulfilled?: (value: unknown) => A, onRejected?: (reason: unknown) => B) => run(false).then(onFulfilled, onRejected),
    };
  };
}

/**
 * A savepoint through postgres.js's own (which keeps its bookkeeping of
 * failed statements). When the connection dies inside it, postgres.js would
 * send `rollback to savepoint` down the dead connection and crash the
 * process: the body's outcome is then answered here, and postgres.js's
 * savepoint is left waiting on a promise that never settles (it goes with
 * the dead connection).
 */
function savepoint<T>(
  session: ScopeSession,
  sql: postgres.TransactionSql,
  prepare: boolean,
  fn: (client: unknown) => T | Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abandon = (error: unknown): Promise<never> => {
      reject(error);
      return new Promise<never>(() => {});
    };
    sql
      .savepoint(async (inner) => {
        const client = {
          unsafe: statementsOn(() => session, prepare, inner),
          savepoint: <U>(body: (client: unknown) => U | Promise<U>) => session.nested(() => savepoint(session, inner, prepare, body), inner),
        };
        let result: T;
        try {
          result = await fn(client);
        } catch (error) {
          if (session.connectionLost) return abandon(error);
          throw error;
        }
        // The body caught the connection's failure itself: the savepoint still cannot be ended.
        if (session.connectionLost) return abandon(session.lostError());
        return result;
      })
      .then(resolve as (value: unknown) => void, reject);
  });
}

/**
 * The client Drizzle gets inside a nested `db.transaction()` of a scope with
 * no transaction of its own: its statements follow `[database] prepare` too,
 * and so do those of transactions nested in it.
 */
function preparing(sql: postgres.TransactionSql, prepare: boolean): postgres.TransactionSql {
  return {
    unsafe: (query: string, params?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
      sql.unsafe(query, params, { ...options, prepare }),
    savepoint: <T>(fn: (inner: postgres.TransactionSql) => T | Promise<T>) => sql.savepoint((inner) => fn(preparing(inner, prepare))),
  } as unknown as postgres.TransactionSql;
}

/** What Drizzle's PGlite session uses of a client: `query` and `transaction`. */
function pgliteClient(engine: DbEngine<AnySchema>, resolve: SessionResolver) {
  let savepoints = 0;
  return {
    query(query: string, params?: unknown[], options?: object) {
      return resolve().run((client) => (client as PgliteTransaction).query(query, params, options));
    },
    transaction<T>(fn: (tx: unknown) => Promise<T>) {
      const session = resolve();
      return session.nested(async (client) => {
        if (!session.transactional) return (client as PGlite).transaction(fn);
        // PGlite has one connection and no savepoint helper: name our own.
        const tx = client as PgliteTransaction;
        const name = `bt_sp${++savepoints}`;
        const exec = (statement: string) =>
          session.run((inner) => {
            engine.log?.(statement);
            return (inner as PgliteTransaction).exec(statement);
          }, tx);
        // Drizzle's nested transactions inside run their own savepoints through `query`.
        const nested = { query: (query: string, params?: unknown[], options?: object) => session.run(() => tx.query(query, params, options), tx) };
        await exec(`savepoint ${name}`);
        try {
          const result = await fn(nested);
          await exec(`release savepoint ${name}`);
          return result;
        } catch (error) {
          await exec(`rollback to savepoint ${name}`);
          throw error;
        }
      });
    },
  };
}
