/**
 * The statements of a new migration: drizzle-kit's snapshot-to-snapshot
 * diff (`generateMigration`, the one create_db plans with from its stored
 * snapshot; no database), from the last migration's snapshot to the models',
 * with renames settled by flags (see renames.ts).
 */
import { planFromSnapshot } from '../create-db/plan.js';
import { withoutCascadedDrops } from './repairs.js';
import { applyRenames, findAmbiguities, withoutCreated, type Ambiguity, type Rename, type Snapshot } from './renames.js';

/** How renames are settled. */
export interface RenameAnswers {
  renames: readonly Rename[];
  /** What is still ambiguous is a drop and an add. */
  noRename: boolean;
}

/** The diff, or what drizzle-kit would have asked. */
export type MigrationDiff = { statements: string[] } | { ambiguities: Ambiguity[] };

const TARGET = 'the new migration';

/** Kinds of ambiguity that `--rename` and `--no-rename` settle. */
const SETTLED_BY_FLAGS = new Set<Ambiguity['kind']>(['table', 'column']);

/** Diffs two snapshots; returns the ambiguities instead when the flags leave some unsettled. */
export async function diffSnapshots(previous: Snapshot, current: Snapshot, answers: RenameAnswers): Promise<MigrationDiff> {
  const renamed = applyRenames(previous, current, answers.renames);
  const ambiguities = findAmbiguities(renamed.snapshot, current);
  if (ambiguities.length === 0) {
    const plan = await planFromSnapshot(renamed.snapshot, current, { target: TARGET });
    return { statements: withoutCascadedDrops([...renamed.statements, ...plan.statements], renamed.snapshot) };
  }
  if (!answers.noRename || ambiguities.some((ambiguity) => !SETTLED_BY_FLAGS.has(ambiguity.kind))) return { ambiguities };
  const middle = withoutCreated(current, ambiguities);
  const drops = await planFromSnapshot(renamed.snapshot, middle, { target: TARGET });
  const adds = await planFromSnapshot(middle, current, { target: TARGET });
  return { statements: withoutCascadedDrops([...renamed.statements, ...drops.statements, ...adds.statements], renamed.snapshot) };
}

/** The empty snapshot: what the first migration is diffed from. */
export function emptySnapshot(): Snapshot {
  return {
    version: '7',
    dialect: 'postgresql',
    tables: {},
    enums: {},
    schemas: {},
    sequences: {},
    roles: {},
    policies: {},
    views: {},
    _meta: { schemas: {}, tables: {}, columns: {} },
  };
}
