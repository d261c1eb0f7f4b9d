/**
 * The one thing `create_db` needs from a database connection: run a SQL text
 * and get its rows. PostgreSQL (postgres.js) and PGlite each provide one, so
 * planning and applying are written once.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';

/** Runs one SQL text (no parameters) and returns its rows. */
export interface SqlRunner {
  query(text: string): Promise<Record<string, unknown>[]>;
}

/** Where a push runs: a runner to read the current schema, and one transaction to apply in. */
export interface PushSession {
  /** Reads the catalog while planning (outside the transaction). */
  planner: SqlRunner;
  /** Runs `apply` in one transaction: committed when it resolves, rolled back when it throws. */
  applyInTransaction<T>(apply: (runner: SqlRunner) => Promise<T>): Promise<T>;
}

/** What drizzle-kit's `pushSchema` calls on the database it is given. */
export interface DrizzleKitExecutor {
  execute(query: SQL): Promise<{ rows: Record<string, unknown>[] }>;
}

const dialect = new PgDialect();

/**
 * Wraps a runner for drizzle-kit's `pushSchema`, which only calls
 * `execute(sql.raw(text))` and reads `.rows` (postgres.js returns a plain
 * array, which makes drizzle-kit exit the process). Every failure is reported
 * to `onError` first, because drizzle-kit swallows introspection errors.
 */
export function drizzleKitExecutor(runner: SqlRunner, onError: (error: unknown) => void): DrizzleKitExecutor {
  return {
    async execute(query) {
      try {
        return { rows: await runner.query(dialect.sqlToQuery(query).sql) };
      } catch (error) {
        onError(error);
        throw error;
      }
    },
  };
}
