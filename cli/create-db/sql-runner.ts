/**
 * The one thing `create_db` needs from a database connection: run a SQL text
 * and get its rows. PostgreSQL (postgres.js) and PGlite each provide one, so
 * planning and applying are written once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import { sqlLiteral } from './sql-literal.js';

/** Runs one SQL text (no parameters) and returns its rows. */
export interface SqlRunner {
  query(text: string): Promise<Record<string, unknown>[]>;
  /** True when queries sent before the previous ones answered are queued on the connection and run in order (postgres.js). */
  pipelines?: boolean;
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
  /** Answers every later query with no rows, without touching the database; resolves once the queries under way have settled. */
  close(): Promise<void>;
}

const dialect = new PgDialect();

/** The table whose columns drizzle-kit's introspection is reading, in that table's async flow. */
const introspectedTable = new AsyncLocalStorage<{ schema: string; table: string }>();

/** drizzle-kit's per-table columns query names the table like this. */
const COLUMNS_QUERY = /pg_get_serial_sequence\('"((?:[^"]|"")*)"\."((?:[^"]|"")*)"'/;

/** Its composite-primary-key lookup, sent with its two parameters dropped (upstream drizzle-orm issue 5557). */
const COMPOSITE_KEY_LOOKUP = /connamespace = \$1::regnamespace\s+AND\s+pg_class\.relname = \$2/;

/**
 * Wraps a runner for drizzle-kit's `pushSchema`, which only calls
 * `execute(sql.raw(text))` and reads `.rows` (postgres.js returns a plain
 * array, which makes drizzle-kit exit the process). Every failure is reported
 * to `onError` first, because drizzle-kit swallows introspection errors.
 *
 * `pushSchema` drops the parameters of its composite-key lookup. Each table
 * is read in its own async flow, which first sends the columns query naming
 * the table: remembering that table for the rest of the flow lets the lookup
 * be answered for the right table.
 */
export function drizzleKitExecutor(runner: SqlRunner, onError: (error: unknown) => void): DrizzleKitExecutor {
  let closed = false;
  const running = new Set<Promise<unknown>>();
  return {
    async close() {
      closed = true;
      await Promise.allSettled(running);
    },
    async execute(query) {
      if (closed) return { rows: [] };
      let text = dialect.sqlToQuery(query).sql;
      const columns = COLUMNS_QUERY.exec(text);
      // Synchronous with the caller's flow: the table's later queries inherit it.
      if (columns) introspectedTable.enterWith({ schema: columns[1]!.replace(/""/g, '"'), table: columns[2]!.replace(/""/g, '"') });
      if (COMPOSITE_KEY_LOOKUP.test(text)) {
        const current = introspectedTable.getStore();
        if (current === undefined) throw new Error("drizzle-kit's composite primary key lookup came before its table's columns query");
        text = text.replace('$1::regnamespace', `${sqlLiteral(current.schema)}::regnamespace`).replace('$2', sqlLiteral(current.table));
      }
      const pending = runner.query(text);
      running.add(pending);
      try {
        return { rows: await pending };
      } catch (error) {
        onError(error);
        throw error;
      } finally {
        running.delete(pending);
      }
    },
  };
}
