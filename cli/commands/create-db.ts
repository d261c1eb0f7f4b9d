/**
 * `backendts create_db`: creates the project's database when it is missing
 * and pushes the collected schema to it: planned by drizzle-kit, judged for
 * data loss, applied in one transaction, under a lock that makes concurrent
 * runs take turns. Never asks questions.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { collectSchema, type CollectedEntry } from '../../codegen/collect.js';
import { describeTarget, MEMORY_PATH, readDatabaseSettings } from '../../runtime/db/settings.js';
import { applyStatements } from '../create-db/apply.js';
import { withTruncateReach, type DestructiveStatement } from '../create-db/destructive.js';
import { planPush, schemaFilters, type PushPlan } from '../create-db/plan.js';
import { catalogFingerprint, modelsFingerprint, PushMemory, PUSH_MEMORY_FILE, type PushState } from '../create-db/push-memory.js';
import { pgliteState, withPglitePush } from '../create-db/pglite.js';
import { dropPostgresDatabase, ensurePostgresDatabase, withPostgresPush } from '../create-db/postgres.js';
import { createExtensions } from '../create-db/extensions.js';
import { withFirstPushUndo } from '../create-db/first-push.js';
import type { PushSession } from '../create-db/sql-runner.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';

/** Options of `create_db`. */
export interface CreateDbOptions {
  /** Apply statements that lose data. */
  force?: boolean;
  /** Print the planned SQL and change nothing. */
  dryRun?: boolean;
}

/** Exit code when a change that would lose data is refused. */
export const EXIT_DESTRUCTIVE = 2;

/** Runs create_db; resolves to the process exit code (0, or 2 for a refused destructive change). */
export async function createDb(project: ProjectContext, options: CreateDbOptions, output: Output): Promise<number> {
  const collected = await collectSchema({ projectDir: project.projectDir, env: project.env });
  const tables = collected.entries.filter((entry) => entry.kind === 'table').length;
  output.info(`collected ${tables} table${tables === 1 ? '' : 's'} from ${collected.apps.length} app${collected.apps.length === 1 ? '' : 's'}`);

  const settings = readDatabaseSettings(collected.config, { projectDir: collected.projectDir, configFile: collected.configFile });
  const target = settings.target;
  const where = describeTarget(target);
  output.info(`connecting to ${where}…`);

  const pushTarget = { where, projectDir: collected.projectDir, owners: tableOwners(collected.entries), extensions: settings.extensions };
  const step = (session: PushSession): Promise<number> => pushStep(session, collected.schema, pushTarget, options, output);
  // A dry run on a database made for it leaves none behind either.
  const keep = () => !options.dryRun;
  let exitCode: number;
  if (target.driver === 'postgres') {
    const state = await ensurePostgresDatabase(target, settings);
    output.info(state === 'created' ? `database "${target.name}" created` : `database "${target.name}" exists`);
    const created = state === 'created' ? { what: `database "${target.name}"`, drop: () => dropPostgresDatabase(target, settings) } : undefined;
    exitCode = await withFirstPushUndo(created, () => withPostgresPush(target, settings, output, step), keep);
  } else {
    const state = pgliteState(target);
    // Only a folder this run made is removed: one that was there may hold other files.
    const created =
      !target.path.startsWith(MEMORY_PATH) && !existsSync(target.path)
        ? { what: `the embedded database folder ${target.path}`, drop: () => rm(target.path, { recursive: true, force: true }) }
        : undefined;
    exitCode = await withFirstPushUndo(
      created,
      () =>
        withPglitePush(settings, (session) => {
          output.info(state === 'created' ? 'embedded database created' : 'embedded database exists');
          return step(session);
        }),
      keep,
    );
  }
  // From process start (performance's time origin): the wait the user had, start-up and loading included.
  if (exitCode === 0) output.info(`done in ${(performance.now() / 1000).toFixed(1)} s`);
  return exitCode;
}

/** The database a push goes to, the project that remembers its last push, and which app owns each table. */
interface PushTarget {
  where: string;
  projectDir: string;
  /** `schema.table` → app name. */
  owners: ReadonlyMap<string, string>;
  /** `[database] extensions`, created before the comparison. */
  extensions: readonly string[];
}

function tableOwners(entries: readonly CollectedEntry[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const entry of entries) if (entry.kind === 'table') owners.set(`${entry.sqlSchema}.${entry.sqlName}`, entry.app);
  return owners;
}

/**
 * Plans, judges and (unless told not to) applies, in one transaction. Skips
 * the plan when neither the models nor the database changed since the last push.
 */
async function pushStep(
  session: PushSession,
  schema: Record<string, unknown>,
  { where, projectDir, owners, extensions }: PushTarget,
  options: CreateDbOptions,
  output: Output,
): Promise<number> {
  // Before the comparison: the models' tables may use the extensions' types.
  await createExtensions(session.planner, extensions, where);
  // Read here, under the lock that makes runs on one database take turns.
  const memory = await PushMemory.load(projectDir);
  const schemaNames = schemaFilters(schema);
  const models = await modelsFingerprint(schema, schemaNames);
  const state = () => databaseState(session, models, schemaNames, output);
  const before = await state();
  if (before !== undefined && memory.unchanged(where, before)) {
    output.info(`up to date: neither the models nor the database changed since the last create_db (delete ${PUSH_MEMORY_FILE} to compare anyway)`);
    return 0;
  }
  output.info('comparing the models with the database…');
  const plan = await planPush(schema, session.planner, { target: where });
  if (plan.statements.length === 0) {
    if (before !== undefined) await remember(memory, where, before, output);
    output.info('up to date: nothing to do');
    return 0;
  }
  const count = plan.statements.length;
  output.info(`${count} statement${count === 1 ? '' : 's'} planned`);
  for (const warning of plan.warnings) output.warn(warning.replace(/^\W+/, ''));
  const destructive = await withTruncateReach(session.planner, plan.destructive);
  if (options.dryRun) {
    printPlan(plan, destructive, owners, output);
    output.info('dry run: nothing was changed');
    return 0;
  }
  if (destructive.length > 0 && !options.force) {
    output.error(`refused: ${destructive.length} statement${destructive.length === 1 ? '' : 's'} would lose data:`);
    for (const item of destructive) {
      output.error(`  ${item.sql}    -- ${item.reason}`);
      for (const line of emptiedLines(item, owners)) output.error(`    ${line}`);
    }
    output.error('nothing was changed');
    output.error('hint: run create_db --force to apply them anyway, or --dry-run to see the whole plan');
    return EXIT_DESTRUCTIVE;
  }
  if (destructive.length > 0) {
    output.warn(`--force: applying ${destructive.length} statement(s) that lose data`);
    for (const item of destructive) for (const line of emptiedLines(item, owners)) output.warn(`  ${line}`);
  }
  await session.applyInTransaction((runner) => applyStatements(runner, plan.statements, output));
  output.info(`applied ${count} statement${count === 1 ? '' : 's'}`);
  // Read after the commit: the catalog as this push left it.
  const after = await state();
  if (after !== undefined) await remember(memory, where, after, output);
  return 0;
}

/** The models' and the catalog's hashes; undefined (compare in full, remember nothing) when the catalog cannot be read. */
async function databaseState(
  session: PushSession,
  models: string,
  schemaNames: readonly string[],
  output: Output,
): Promise<PushState | undefined> {
  try {
    return { models, catalog: await catalogFingerprint(session.planner, schemaNames) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    output.warn(`could not read the database's catalog state (${reason}); comparing in full, and this push is not recorded`);
    return undefined;
  }
}

/** Records the push; failing to (a read-only folder) only costs the next run a full comparison. */
async function remember(memory: PushMemory, where: string, state: PushState, output: Output): Promise<void> {
  try {
    await memory.remember(where, state);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    output.warn(`could not record this push in ${PUSH_MEMORY_FILE} (${reason}); the next create_db compares in full`);
  }
}

function printPlan(plan: PushPlan, destructive: readonly DestructiveStatement[], owners: ReadonlyMap<string, string>, output: Output): void {
  const bySql = new Map(destructive.map((item) => [item.sql, item]));
  for (const statement of plan.statements) {
    const item = bySql.get(statement);
    output.info(item ? `${statement}    -- loses data` : statement);
    if (item) for (const line of emptiedLines(item, owners)) output.info(`  -- ${line}`);
  }
  if (bySql.size > 0) {
    output.info(`${bySql.size} of them would lose data: create_db refuses them without --force`);
  }
}

/** Names every table a TRUNCATE empties, its app and its rows: CASCADE reaches further than the statement says. */
function emptiedLines(item: DestructiveStatement, owners: ReadonlyMap<string, string>): string[] {
  if (!item.empties) return [];
  const count = item.empties.length;
  return [
    `empties ${count} table${count === 1 ? '' : 's'}${/\bCASCADE\b/i.test(item.sql) ? ' (CASCADE follows the foreign keys that point at it)' : ''}:`,
    ...item.empties.map((table) => {
      const app = owners.get(`${table.schema}.${table.name}`);
      return `  "${table.schema}"."${table.name}"${app === undefined ? '' : ` (app "${app}")`}: ${table.rows} row${table.rows === 1 ? '' : 's'}`;
    }),
  ];
}
