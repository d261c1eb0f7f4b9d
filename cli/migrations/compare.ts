/**
 * The models compared with the last migration: what `makemigrations` writes
 * and what `create_db` warns about when a project with migrations has model
 * changes that none holds.
 */
import type { CollectedSchema } from '../../codegen/collect.js';
import { readColumnCasing } from '../../runtime/db/casing.js';
import { modelsSnapshot } from '../create-db/fingerprint.js';
import { kitSchema } from '../create-db/kit-schema.js';
import { diffSnapshots, emptySnapshot, type MigrationDiff, type RenameAnswers } from './diff.js';
import { readMigrations, readSnapshot, type MigrationFile } from './folder.js';
import type { Snapshot } from './renames.js';

/** The last migration, both snapshots, and the diff between them. */
export interface Comparison {
  last: MigrationFile | undefined;
  previous: Snapshot;
  current: Snapshot;
  diff: MigrationDiff;
}

/** Diffs the last migration's snapshot (an empty one before the first) with the collected models'. */
export async function compareWithLastMigration(collected: CollectedSchema, answers: RenameAnswers): Promise<Comparison> {
  const { imports, schemaNames } = kitSchema(collected.schema);
  const casing = readColumnCasing(collected.config, collected.configFile);
  const current = (await modelsSnapshot(imports, schemaNames, casing)) as Snapshot;
  const last = readMigrations(collected.projectDir).at(-1);
  const previous = last === undefined ? emptySnapshot() : (readSnapshot(collected.projectDir, last.name) as Snapshot);
  return { last, previous, current, diff: await diffSnapshots(previous, current, answers) };
}
