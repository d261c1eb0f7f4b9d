/**
 * `backendts showmigrations`: every migration of the project, applied (with
 * the date and how long it took) or pending, and any applied migration the
 * folder lacks or whose file changed since. Changes nothing.
 */
import { migrationsFolder, readMigrations } from '../migrations/folder.js';
import { readApplied } from '../migrations/history.js';
import { withMigrationSession } from '../migrations/session.js';
import { migrationTarget } from '../migrations/target.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';

/** Runs showmigrations; resolves to 0. */
export async function showMigrations(project: ProjectContext, output: Output): Promise<number> {
  const migrations = readMigrations(project.projectDir);
  const { settings } = migrationTarget(project, output);
  const applied = await withMigrationSession(settings, { lock: false }, output, (session) => readApplied(session.runner));
  const byName = new Map(applied.map((record) => [record.name, record]));
  const width = Math.max(0, ...migrations.map((migration) => migration.name.length), ...applied.map((record) => record.name.length));
  const names = [...new Set([...migrations.map((migration) => migration.name), ...applied.map((record) => record.name)])].sort();
  const files = new Map(migrations.map((migration) => [migration.name, migration]));
  if (names.length === 0) output.info(`no migrations in ${migrationsFolder(project.projectDir)}`);
  for (const name of names) {
    const record = byName.get(name);
    const file = files.get(name);
    const label = name.padEnd(width);
    if (record === undefined) output.info(`[ ] ${label}  pending`);
    else {
      const note = file === undefined ? '  (its file is missing)' : file.checksum !== record.checksum ? '  (its file changed since)' : '';
      const how = record.durationMs === 0 ? 'recorded as already there' : `${record.durationMs} ms`;
      output.info(`[X] ${label}  applied ${record.appliedAt.replace('T', ' ').replace('Z', ' UTC')} (${how})${note}`);
    }
  }
  const pending = names.filter((name) => !byName.has(name)).length;
  output.info(`${applied.length} applied, ${pending} pending`);
  return 0;
}
