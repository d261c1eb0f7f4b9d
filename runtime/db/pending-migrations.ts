/**
 * The start-up check of a project that has versioned migrations: one query
 * reads which ones the database has applied (`backendts.migrations`, written
 * by `backendts migrate`); those the project has and the database lacks are
 * logged as a warning, or refuse the start with `[database]
 * require_migrations = true`.
 */
import { BackendtsError } from '../core/errors.js';
import type { DbEngine } from './engine.js';
import { migrationNames } from './migration-files.js';
import { describeTarget } from './settings.js';

/** Where the warning goes. */
interface WarnLogger {
  warn(message: string): void;
}

/** Warns about (or, when `require_migrations` is on, refuses) a database that lacks some of the project's migrations. */
export async function checkPendingMigrations(engine: DbEngine, projectDir: string, logger: WarnLogger): Promise<void> {
  const names = migrationNames(projectDir);
  if (names.length === 0) return;
  const applied = new Set(await appliedNames(engine));
  const missing = names.filter((name) => !applied.has(name));
  if (missing.length === 0) return;
  const message = `${describeTarget(engine.settings.target)} lacks ${missing.length} of the project's migrations: ${missing.join(', ')}`;
  if (engine.settings.requireMigrations) {
    throw new BackendtsError('BT_DB_MIGRATIONS_PENDING', message, {
      hint: 'run backendts migrate before starting the server (or set [database] require_migrations = false to only warn)',
    });
  }
  logger.warn(`backendts: ${message}; run \`backendts migrate\``);
}

async function appliedNames(engine: DbEngine): Promise<string[]> {
  const text = 'select name from backendts.migrations';
  try {
    const rows = engine.driver === 'postgres' ? await engine.client.unsafe(text) : (await engine.client.query<{ name: string }>(text)).rows;
    return rows.map((row) => String(row.name));
  } catch (error) {
    // No table: nothing was ever migrated there.
    if ((error as { code?: string }).code === '42P01') return [];
    throw error;
  }
}
