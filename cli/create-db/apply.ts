/**
 * Applies planned statements, in order, on a runner that is already inside a
 * transaction: a failing statement aborts the whole push, so the database is
 * never left half-changed.
 */
import { BackendtsError } from '../../runtime/errors.js';
import type { Output } from '../output.js';
import type { SqlRunner } from './sql-runner.js';

/** Runs each statement, reporting progress; fails naming the statement at fault. */
export async function applyStatements(runner: SqlRunner, statements: readonly string[], output: Output): Promise<void> {
  const total = statements.length;
  for (const [index, statement] of statements.entries()) {
    output.detail(statement);
    try {
      await runner.query(statement);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new BackendtsError(
        'BT_CREATE_DB_APPLY',
        `statement ${index + 1}/${total} failed, nothing was changed: ${detail}\n  ${statement}`,
        { hint: 'fix the model that leads to this statement (or the data it conflicts with) and run create_db again', cause: error },
      );
    }
    output.progress('applying', index + 1, total);
  }
}
