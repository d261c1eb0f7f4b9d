/**
 * Applies the pending migrations on an open session: checks the record
 * against the files first (an applied migration whose file changed or is
 * gone is an error naming it), then runs each pending migration in its own
 * transaction, recording it in the same transaction; a failing statement
 * rolls back its migration and its record, and stops.
 */
import { performance } from 'node:perf_hooks';
import type { CollectedSchema } from '../../codegen/collect.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { createExtensions } from '../create-db/extensions.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';
import { alreadyHeld } from './adopt.js';
import { readMigrations, type MigrationFile } from './folder.js';
import { readApplied, recordApplied, type AppliedMigration } from './history.js';
import { migrationStatements } from './render.js';
import type { MigrationSession } from './session.js';

/** Options of {@link applyMigrations}. */
export interface ApplyOptions {
  /** Print the SQL and change nothing. */
  dryRun?: boolean;
  /** The last migration to apply (`0003` or `0003_add_tags`). */
  to?: string;
  /** Named in messages. */
  where: string;
  /** `[database] extensions`, created before the first pending migration. */
  extensions: readonly string[];
  /** The models, when the caller collected them already (create_db); otherwise collected only if a pushed database must be judged. */
  collected?: CollectedSchema;
}

/** Applies what is pending; resolves to the exit code. */
export async function applyMigrations(session: MigrationSession, project: ProjectContext, options: ApplyOptions, output: Output): Promise<number> {
  const migrations = readMigrations(project.projectDir);
  const applied = await readApplied(session.runner);
  checkRecord(migrations, applied, options.where);
  const done = new Set(applied.map((migration) => migration.name));
  let pending = migrations.filter((migration) => !done.has(migration.name));
  const lastApplied = applied.at(-1)?.name;
  const early = pending.find((migration) => lastApplied !== undefined && migration.name < lastApplied);
  if (early !== undefined) {
    throw new BackendtsError('BT_MIGRATE_ORDER', `${early.file} is not applied, but ${lastApplied}, after it, is (in ${options.where})`, {
      hint: 'a migration was added before one already applied (two branches?): delete the newer one and its snapshot, then run backendts makemigrations again',
    });
  }
  if (applied.length === 0 && pending.length > 0) {
    const held = await alreadyHeld(session.runner, project, pending, options.where, options.collected);
    if (held.length > 0) {
      const names = held.map((migration) => migration.name).join(', ');
      if (options.dryRun) {
        output.info(`the database already holds what ${held.at(-1)!.name} leaves: would record ${names} as applied without running them`);
      } else {
        await session.transaction(async (runner) => {
          for (const migration of held) await recordApplied(runner, migration.name, migration.checksum, 0);
        });
        output.info(`the database already holds what ${held.at(-1)!.name} leaves (set up by create_db): recorded ${names} as applied without running them`);
      }
      pending = pending.slice(held.length);
    }
  }
  const all = pending.length;
  const target = options.to === undefined ? undefined : findTarget(migrations, options.to);
  if (target !== undefined) pending = done.has(target.name) ? [] : pending.filter((migration) => migration.name <= target.name);
  if (pending.length === 0) {
    output.info(all === 0 ? `up to date: every migration is applied (${migrations.length})` : `nothing to apply up to ${target!.name} (${all} pending after it)`);
    return 0;
  }
  output.info(`${pending.length} migration${pending.length === 1 ? '' : 's'} pending: ${pending.map((migration) => migration.name).join(', ')}`);
  if (options.dryRun) {
    for (const migration of pending) output.info(migration.sql.trimEnd());
    output.info('dry run: nothing was changed');
    return 0;
  }
  await createExtensions(session.runner, options.extensions, options.where);
  for (const migration of pending) await applyOne(session, migration, output);
  output.info(`applied ${pending.length} migration${pending.length === 1 ? '' : 's'}`);
  return 0;
}

/** An applied migration must still be in the folder, byte for byte (line endings aside). */
function checkRecord(migrations: readonly MigrationFile[], applied: readonly AppliedMigration[], where: string): void {
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  for (const record of applied) {
    const file = byName.get(record.name);
    if (file === undefined) {
      throw new BackendtsError('BT_MIGRATE_MISSING', `${where} has migration ${record.name} applied, but the migrations folder has no ${record.name}.sql`, {
        hint: 'check out the code the database was migrated with, or restore the file from version control',
      });
    }
    if (file.checksum !== record.checksum) {
      throw new BackendtsError('BT_MIGRATE_CHANGED', `${file.file} was changed after it was applied to ${where} (on ${record.appliedAt})`, {
        hint: 'put the applied file back as it was (git checkout), and write the new change as a new migration (backendts makemigrations)',
      });
    }
  }
}

/** The migration `--to` names: by name, or by number (`0003`, or `3` as the option parser may read it). */
function findTarget(migrations: readonly MigrationFile[], to: string): MigrationFile {
  const target = migrations.find((migration) => migration.name === to || (/^\d+$/.test(to) && migration.number === Number(to)));
  if (target === undefined) {
    throw new BackendtsError('BT_MIGRATE_UNKNOWN', `--to ${to}: the migrations folder has no such migration`, {
      hint: `give a number or a name as backendts showmigrations lists them${migrations.length > 0 ? ` (e.g. ${migrations.at(-1)!.name})` : ''}`,
    });
  }
  return target;
}

async function applyOne(session: MigrationSession, migration: MigrationFile, output: Output): Promise<void> {
  const statements = migrationStatements(migration.sql);
  output.info(`applying ${migration.name} (${statements.length} statement${statements.length === 1 ? '' : 's'})…`);
  const started = performance.now();
  await session.transaction(async (runner) => {
    for (const [index, statement] of statements.entries()) {
      output.detail(statement);
      try {
        await runner.execute(statement);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new BackendtsError(
          'BT_MIGRATE_APPLY',
          `${migration.file}: statement ${index + 1}/${statements.length} failed, migration ${migration.name} was rolled back and not recorded: ${detail}\n  ${statement}`,
          { hint: 'fix the migration (it was never applied, so it may still be edited) or the data it conflicts with, then run migrate again', cause: error },
        );
      }
      output.progress('  statement', index + 1, statements.length);
    }
    await recordApplied(runner, migration.name, migration.checksum, performance.now() - started);
  });
  output.info(`applied ${migration.name} in ${Math.round(performance.now() - started)} ms`);
}
