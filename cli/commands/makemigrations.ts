/**
 * `backendts makemigrations`: writes the next migration, the statements that
 * bring the last migration's snapshot to the models (no database needed),
 * and the models' snapshot beside it. Never asks questions: a change that
 * could be a rename is settled by `--rename` or `--no-rename`, or refused
 * with both ready to paste. `--check` writes nothing and fails when the
 * models have changes that no migration holds.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectedTablesLine } from '../collected-tables.js';
import { collectSchema } from '../../codegen/collect.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { findDestructive } from '../create-db/destructive.js';
import { addsRequiredColumn } from '../create-db/push-models.js';
import { changedApps } from '../migrations/changed-apps.js';
import { compareWithLastMigration } from '../migrations/compare.js';
import { writeMigration } from '../migrations/folder.js';
import { renderMigration } from '../migrations/render.js';
import { describeAmbiguity, renameFlags, type Ambiguity, type Rename } from '../migrations/renames.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';

/** Options of `makemigrations`. */
export interface MakeMigrationsOptions {
  /** The new migration's name (`add_posts`); default `initial`, then `auto_<UTC date and time>`. */
  name?: string;
  renames: Rename[];
  noRename: boolean;
  check: boolean;
}

/** Exit code of `--check` when the models have changes no migration holds. */
export const EXIT_CHANGES = 1;
/** Exit code when a change could be a rename and no flag says which. */
export const EXIT_AMBIGUOUS = 2;

const NAME = /^[a-z0-9_]+$/;

/** Runs makemigrations; resolves to the exit code. */
export async function makeMigrations(project: ProjectContext, options: MakeMigrationsOptions, output: Output): Promise<number> {
  if (options.name !== undefined && !NAME.test(options.name)) {
    throw new BackendtsError('BT_CLI_OPTION', `--name ${options.name}: a migration name is lower-case letters, digits and _`, {
      hint: 'write --name add_posts',
    });
  }
  const collected = await collectSchema({ projectDir: project.projectDir, env: project.env });
  output.info(collectedTablesLine(collected));
  const { last, previous, current, diff } = await compareWithLastMigration(collected, { renames: options.renames, noRename: options.noRename });
  output.info(last === undefined ? 'no migrations yet: comparing the models with an empty database…' : `comparing the models with migration ${last.name}…`);
  if ('ambiguities' in diff) {
    if (options.check) return reportUnmigrated(diff.ambiguities.map(describeAmbiguity), output);
    return refuseAmbiguous(diff.ambiguities, output);
  }
  const { statements } = diff;
  if (statements.length === 0) {
    output.info(`no changes: the models are as migration ${last?.name ?? '(none)'} leaves them, nothing was written`);
    return 0;
  }
  if (options.check) return reportUnmigrated(statements.map((statement) => statement.split('\n')[0]!), output);

  const number = (last?.number ?? 0) + 1;
  if (number > 9999) throw new BackendtsError('BT_MIGRATIONS_FULL', 'the migrations folder already holds migration 9999', { hint: 'squash old migrations into a new initial one' });
  const name = `${String(number).padStart(4, '0')}_${options.name ?? (last === undefined ? 'initial' : autoName())}`;
  const { apps, orphanTables } = changedApps(previous, current, collected.entries);
  const written = writeMigration(collected.projectDir, name, renderMigration({ name, apps, orphanTables }, statements), current);
  const count = statements.length;
  output.info(`wrote ${path.relative(collected.projectDir, written.sqlFile)} (${count} statement${count === 1 ? '' : 's'}; apps: ${apps.join(', ') || 'none'})`);
  output.info(`wrote ${path.relative(collected.projectDir, written.snapshotFile)}`);
  const destructive = findDestructive(statements);
  for (const item of destructive) output.warn(`loses data: ${item.sql}    -- ${item.reason}`);
  for (const statement of statements.filter(addsRequiredColumn)) {
    output.warn(`fails on a table that holds rows (a NOT NULL column without a default): ${statement}`);
  }
  output.info('review it and commit it with the code; backendts migrate applies it');
  output.info(`done in ${(performance.now() / 1000).toFixed(1)} s`);
  return 0;
}

function reportUnmigrated(changes: readonly string[], output: Output): number {
  output.error(`the models have ${changes.length} change${changes.length === 1 ? '' : 's'} that no migration holds:`);
  for (const change of changes) output.error(`  ${change}`);
  output.error('hint: run backendts makemigrations and commit the migration it writes');
  return EXIT_CHANGES;
}

function refuseAmbiguous(ambiguities: readonly Ambiguity[], output: Output): number {
  output.error('refused: a change could be a rename, and makemigrations never asks:');
  for (const ambiguity of ambiguities) output.error(`  ${describeAmbiguity(ambiguity)}`);
  const flags = ambiguities.flatMap(renameFlags);
  const settled = ambiguities.every((ambiguity) => ambiguity.kind === 'table' || ambiguity.kind === 'column');
  output.error('nothing was written');
  if (!settled) {
    output.error('hint: flags settle tables and columns only: make this change in two migrations (first remove the old one, makemigrations, then add the new one)');
    return EXIT_AMBIGUOUS;
  }
  output.error('if they were renamed, run:');
  output.error(`  backendts makemigrations ${flags.join(' ')}`);
  output.error('if they are different (drop the old ones, add the new ones), run:');
  output.error('  backendts makemigrations --no-rename');
  return EXIT_AMBIGUOUS;
}

function autoName(): string {
  return `auto_${new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '_')}`;
}
