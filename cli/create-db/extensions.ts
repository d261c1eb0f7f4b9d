/**
 * Creates the extensions of `[database] extensions` before the push, so the
 * tables that use their types (`vector`, `citext`…) can be created. `IF NOT
 * EXISTS` makes it a no-op, with no catalog change, once they are there.
 */
import { BackendtsError } from '../../runtime/core/errors.js';
import { quoteIdentifier } from './postgres.js';
import type { SqlRunner } from './sql-runner.js';

/** Runs CREATE EXTENSION IF NOT EXISTS for each name; fails naming the extension the server lacks or refuses. */
export async function createExtensions(runner: SqlRunner, names: readonly string[], where: string): Promise<void> {
  for (const name of names) {
    try {
      await runner.query(`CREATE EXTENSION IF NOT EXISTS ${quoteIdentifier(name)}`);
    } catch (error) {
      throw extensionError(error, name, where);
    }
  }
}

function extensionError(error: unknown, name: string, where: string): BackendtsError {
  const code = (error as { code?: string }).code;
  const detail = error instanceof Error ? error.message : String(error);
  if (code === '42501') {
    return new BackendtsError('BT_DB_EXTENSION_DENIED', `${where}: the user may not create the extension "${name}" listed in [database] extensions: ${detail}`, {
      hint: `create it once as a superuser (CREATE EXTENSION ${quoteIdentifier(name)}) and run create_db again`,
      cause: error,
    });
  }
  // 0A000 "is not available" (no control file), 58P01 a missing file of it.
  return new BackendtsError('BT_DB_EXTENSION_MISSING', `${where}: cannot create the extension "${name}" listed in [database] extensions: ${detail}`, {
    hint:
      code === '0A000' || code === '58P01'
        ? `install it on the database server (for pgvector on Debian: apt-get install postgresql-<version>-pgvector), or remove it from [database] extensions`
        : 'check the extension name in [database] extensions',
    cause: error,
  });
}
