/**
 * `create_db` on a project that has migrations: the database is created when
 * missing, then brought up to date by applying the migrations, never by a
 * push, so development and production databases are built the same way. A
 * database this run created is dropped again when a migration fails.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { CollectedSchema } from '../../codegen/collect.js';
import { MEMORY_PATH, describeTarget, type DatabaseSettings } from '../../runtime/db/settings.js';
import { withFirstPushUndo, type CreatedDatabase } from '../create-db/first-push.js';
import { pgliteState } from '../create-db/pglite.js';
import { dropPostgresDatabase, ensurePostgresDatabase } from '../create-db/postgres.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';
import { applyMigrations } from './apply.js';
import { compareWithLastMigration } from './compare.js';
import { withMigrationSession } from './session.js';

/**
 * Creates the database when missing and applies the pending migrations;
 * resolves to the exit code. Model changes that no migration holds are not
 * pushed: a warning says to write their migration.
 */
export async function createDbFromMigrations(
  project: ProjectContext,
  collected: CollectedSchema,
  settings: DatabaseSettings,
  options: { dryRun?: boolean },
  output: Output,
): Promise<number> {
  const target = settings.target;
  const where = describeTarget(target);
  output.info('the project has migrations: create_db applies them instead of pushing the models');
  let created: CreatedDatabase | undefined;
  let opened: string | undefined;
  if (target.driver === 'postgres') {
    const state = await ensurePostgresDatabase(target, settings);
    output.info(state === 'created' ? `database "${target.name}" created` : `database "${target.name}" exists`);
    if (state === 'created') created = { what: `database "${target.name}"`, drop: () => dropPostgresDatabase(target, settings) };
  } else {
    opened = pgliteState(target) === 'created' ? 'embedded database created' : 'embedded database exists';
    if (!target.path.startsWith(MEMORY_PATH) && !existsSync(target.path)) {
      created = { what: `the embedded database folder ${target.path}`, drop: () => rm(target.path, { recursive: true, force: true }) };
    }
  }
  const code = await withFirstPushUndo(
    created,
    () =>
      withMigrationSession(settings, { lock: true }, output, (session) => {
        if (opened !== undefined) output.info(opened);
        return applyMigrations(session, project, { dryRun: options.dryRun, where, extensions: settings.extensions, collected }, output);
      }),
    () => !options.dryRun,
  );
  const { diff } = await compareWithLastMigration(collected, { renames: [], noRename: false });
  const changes = 'ambiguities' in diff ? diff.ambiguities.length : diff.statements.length;
  if (changes > 0) {
    output.warn(`the models have changes that no migration holds (${changes} difference${changes === 1 ? '' : 's'} from the last migration's snapshot): run backendts makemigrations, then create_db again`);
  }
  return code;
}
