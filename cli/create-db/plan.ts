/**
 * Plans a push: drizzle-kit's programmatic `pushSchema` compares the collected
 * schema with what the database holds and returns the statements to run. It
 * is only asked to plan: the statements are applied by `applyStatements`, in
 * one transaction.
 *
 * drizzle-kit was written for a terminal: it draws a spinner on stdout, asks
 * questions for ambiguous changes, and calls `process.exit(1)` when the
 * introspection fails. Here stdout is silenced and claims to be no terminal
 * (so a question fails instead of waiting), and `process.exit` is turned into
 * a thrown error for the duration of the call.
 */
import { is } from 'drizzle-orm';
import { PgSchema } from 'drizzle-orm/pg-core';
import { BackendtsError } from '../../runtime/errors.js';
import { silenceStdout } from '../output.js';
import { findDestructive, type DestructiveStatement } from './destructive.js';
import { drizzleKitExecutor, type SqlRunner } from './sql-runner.js';

/** What a push would do. */
export interface PushPlan {
  /** Statements in the order they must run. */
  statements: string[];
  /** The ones that would lose data. */
  destructive: DestructiveStatement[];
  /** drizzle-kit's notes about data in tables it changes (no colours). */
  warnings: string[];
}

/** Options of {@link planPush}. */
export interface PlanOptions {
  /** Named in error messages (`PostgreSQL database "x" on host:port`). */
  target: string;
}

class ExitCalled extends Error {
  constructor(readonly exitCode: unknown) {
    super(`drizzle-kit tried to exit the process (code ${String(exitCode)})`);
  }
}

/**
 * Loads drizzle-kit's API. Call it before the TypeScript loader is registered:
 * the loader's hooks make importing this one large module about five times slower.
 */
export function preloadDrizzleKit(): Promise<typeof import('drizzle-kit/api')> {
  return import('drizzle-kit/api');
}

/** Asks drizzle-kit which statements bring the database to `schema`; changes nothing. */
export async function planPush(schema: Record<string, unknown>, runner: SqlRunner, options: PlanOptions): Promise<PushPlan> {
  const { pushSchema } = await preloadDrizzleKit();
  let lastQueryError: unknown;
  const executor = drizzleKitExecutor(runner, (error) => {
    lastQueryError = error;
  });
  const originalExit = process.exit;
  process.exit = ((code?: unknown) => {
    throw new ExitCalled(code);
  }) as typeof process.exit;
  const silenced = silenceStdout();
  let result: Awaited<ReturnType<typeof pushSchema>>;
  let written = '';
  try {
    result = await pushSchema(schema, executor as never, schemaFilters(schema));
    written = silenced.restore();
  } catch (error) {
    written = silenced.restore();
    throw explainFailure(error, lastQueryError, written, options.target);
  } finally {
    process.exit = originalExit;
  }
  const statements = result.statementsToExecute.map((statement) => statement.trim()).filter((statement) => statement !== '');
  return {
    statements,
    destructive: findDestructive(statements),
    warnings: result.warnings.map(stripAnsi),
  };
}

/** The database schemas drizzle-kit should look at: `public` plus every `pgSchema` collected. */
export function schemaFilters(schema: Record<string, unknown>): string[] {
  const names = new Set(['public']);
  for (const value of Object.values(schema)) {
    if (is(value, PgSchema)) names.add(value.schemaName);
  }
  return [...names].sort();
}

function explainFailure(error: unknown, queryError: unknown, written: string, target: string): BackendtsError {
  const message = error instanceof Error ? error.message : String(error);
  if (/Interactive prompts require a TTY/i.test(message)) {
    if (/unique constraint/i.test(written)) {
      return new BackendtsError(
        'BT_CREATE_DB_AMBIGUOUS',
        `a unique constraint would be added to a table that already holds rows in ${target}; drizzle-kit wants to ask whether to empty the table first`,
        {
          hint: 'add the constraint yourself (ALTER TABLE ... ADD CONSTRAINT ... UNIQUE) once the rows are unique, then run create_db again',
          cause: error,
        },
      );
    }
    return new BackendtsError(
      'BT_CREATE_DB_AMBIGUOUS',
      `the schema change is ambiguous for ${target}: a table or column disappeared while another appeared, which could be a rename; create_db never asks questions`,
      {
        hint:
          'make the change in two runs: first only remove the old table or column (create_db --force), then add the new one; ' +
          'or rename it in the database yourself (ALTER TABLE ... RENAME ...) before running create_db',
        cause: error,
      },
    );
  }
  if (error instanceof ExitCalled || queryError !== undefined) {
    const cause = queryError ?? error;
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new BackendtsError('BT_CREATE_DB_INTROSPECT', `reading the current schema of ${target} failed: ${detail}`, {
      hint: 'check that the database is reachable and that its user may read the catalog; run with --debug for the stack',
      cause,
    });
  }
  if (error instanceof BackendtsError) return error;
  return new BackendtsError('BT_CREATE_DB_PLAN', `planning the schema push for ${target} failed: ${message}`, {
    hint: 'check the collected models (backendts codegen) and run with --debug for the stack',
    cause: error,
  });
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
