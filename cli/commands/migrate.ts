/**
 * `backendts migrate`: applies the project's pending migrations, in order,
 * each in its own transaction, under the lock that makes runs on one
 * PostgreSQL database take turns.
 */
import { performance } from 'node:perf_hooks';
import { BackendtsError } from '../../runtime/core/errors.js';
import { applyMigrations } from '../migrations/apply.js';
import { hasMigrations, migrationsFolder } from '../migrations/folder.js';
import { withMigrationSession } from '../migrations/session.js';
import { migrationTarget } from '../migrations/target.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';

/** Options of `migrate`. */
export interface MigrateOptions {
  dryRun?: boolean;
  /** Stop after this migration. */
  to?: string;
}

/** Runs migrate; resolves to the exit code. */
export async function migrate(project: ProjectContext, options: MigrateOptions, output: Output): Promise<number> {
  if (!hasMigrations(project.projectDir)) {
    throw new BackendtsError('BT_MIGRATE_NONE', `${migrationsFolder(project.projectDir)} holds no migration`, {
      hint: 'write the first one with backendts makemigrations (or keep using create_db, which pushes the models without migrations)',
    });
  }
  const { settings, where } = migrationTarget(project, output);
  const code = await withMigrationSession(settings, { lock: true }, output, (session) =>
    applyMigrations(session, project, { ...options, where, extensions: settings.extensions }, output),
  );
  output.info(`done in ${(performance.now() / 1000).toFixed(1)} s`);
  return code;
}
