/**
 * Applies planned statements, in order, on a runner that is already inside a
 * transaction: a failing statement aborts the whole push, so the database is
 * never left half-changed.
 */
import { BackendtsError } from '../../runtime/core/errors.js';
import type { Output } from '../output.js';
import type { SqlRunner } from './sql-runner.js';

/**
 * Runs each statement, reporting progress; fails naming the statement at
 * fault. On a runner that pipelines (PostgreSQL), every statement is sent at
 * once and the answers are read in order: the database works through them
 * without waiting for a round trip each, and after a failure the rest fail
 * too (the transaction is aborted), so the first failure is the one named.
 */
export async function applyStatements(runner: SqlRunner, statements: readonly string[], output: Output): Promise<void> {
  const total = statements.length;
  const sent = runner.pipelines ? statements.map((statement) => settle(runner.query(statement))) : undefined;
  for (const [index, statement] of statements.entries()) {
    output.detail(statement);
    const outcome = await (sent?.[index] ?? settle(runner.query(statement)));
    if (!outcome.ok) {
      const error = outcome.error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new BackendtsError(
        'BT_CREATE_DB_APPLY',
        `statement ${index + 1}/${total} failed, nothing was changed: ${detail}\n  ${statement}`,
        { hint: applyHint(error), cause: error },
      );
    }
    output.progress('applying', index + 1, total);
  }
}

/** A query's outcome, never a rejection: the statements after a failure are left unawaited. */
function settle(query: Promise<unknown>): Promise<{ ok: true } | { ok: false; error: unknown }> {
  return query.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** A type the database lacks usually comes from an extension the schema needs: say where to list it. */
function applyHint(error: unknown): string {
  const missingType = (error as { code?: string }).code === '42704' && /type "([^"]+)" does not exist/.exec(error instanceof Error ? error.message : '');
  if (missingType) {
    const name = missingType[1]!.replace(/^.*\./, '');
    return `if type "${name}" comes from an extension, list it in [database] extensions (e.g. extensions = ${name}) and run create_db again; otherwise fix the model that uses it`;
  }
  return 'fix the model that leads to this statement (or the data it conflicts with) and run create_db again';
}
