/**
 * The Drizzle database handed out by `db_session()`. It is built once per
 * getter (building Drizzle with a large schema is too slow for every
 * request) on a small client that finds the current scope's transaction for
 * each statement, opening it on the first one. Drizzle's nested
 * `db.transaction()` on it becomes a savepoint of that transaction.
 */
import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { DbEngine } from './engine.js';
import type { ScopeSession } from './scope-session.js';
import type { AnySchema, DbSession } from './types.js';

/** Finds (or starts) the session of the current scope. */
export type SessionResolver = () => ScopeSession;

/** Builds the Drizzle handle whose statements run in the current scope's transaction. */
export function scopedDatabase<TSchema extends AnySchema>(engine: DbEngine<TSchema>, resolve: SessionResolver): DbSession<TSchema> {
  if (engine.driver === 'postgres') {
    return drizzlePostgres({ client: postgresClient(engine.client, resolve) as unknown as postgres.Sql, schema: engine.schema }) as unknown as DbSession<TSchema>;
  }
  return drizzlePglite({
    client: pgliteClient(engine as unknown as DbEngine<AnySchema>, resolve) as never,
    schema: engine.schema,
    ...(engine.log && { logger: { logQuery: (query: string) => engine.log!(query) } }),
  }) as unknown as DbSession<TSchema>;
}

/** What Drizzle's postgres.js session uses of a client: `unsafe` (and `.values()`), `begin`, `options`. */
function postgresClient(pool: postgres.Sql, resolve: SessionResolver) {
  const prepare = pool.options.prepare;
  return {
    // Drizzle registers its type parsers here; they are the pool's own.
    options: pool.options,
    unsafe(query: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) {
      const session = resolve();
      // Drizzle asks for an unnamed statement unless the query was given a name; the
      // pool's own setting (`[database] prepare`) decides instead, as it does for
      // postgres.js's tagged templates: a prepared statement is parsed once per
      // connection rather than on every request.
      const queryOptions = { ...options, prepare };
      const run = (values: boolean) =>
        session.run((client) => {
          const pending = (client as postgres.Sql).unsafe(query, params as postgres.ParameterOrJSON<never>[], queryOptions);
          return values ? pending.values() : pending;
        });
      return {
        values: () => run(true),
        then: <A, B>(onFulfilled?: (value: unknown) => A, onRejected?: (reason: unknown) => B) => run(false).then(onFulfilled, onRejected),
      };
    },
    begin<T>(fn: (sql: postgres.TransactionSql) => T | Promise<T>) {
      const session = resolve();
      const inner = (sql: postgres.TransactionSql) => fn(preparing(sql, prepare));
      return session.nested((client) =>
        session.transactional ? (client as postgres.TransactionSql).savepoint(inner) : (client as postgres.Sql).begin(inner),
      );
    },
  };
}

/**
 * The client Drizzle gets inside a nested `db.transaction()`: its statements
 * follow `[database] prepare` too, and so do those of transactions nested in it.
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
    transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>) {
      const session = resolve();
      return session.nested(async (client) => {
        if (!session.transactional) return (client as PGlite).transaction(fn);
        // PGlite has one connection and no savepoint helper: name our own.
        const tx = client as PgliteTransaction;
        const name = `bt_sp${++savepoints}`;
        const exec = (statement: string) => {
          engine.log?.(statement);
          return tx.exec(statement);
        };
        await exec(`savepoint ${name}`);
        try {
          const result = await fn(tx);
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
