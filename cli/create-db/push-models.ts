/**
 * The part of `create_db` that loads the models: creates the project's
 * database when it is missing and pushes the collected schema to it:
 * planned by drizzle-kit, judged for data loss, applied in one transaction,
 * under a lock that makes concurrent runs take turns.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { collectedTablesLine, moduleLoadingLine } from '../collected-tables.js';
import { collectSchema, type CollectedEntry } from '../../codegen/collect.js';
import { startBundler } from '../../codegen/bundle-modules.js';
import type { ColumnCasing } from '../../runtime/db/casing.js';
import { describeTarget, MEMORY_PATH, readDatabaseSettings, sessionSettings } from '../../runtime/db/settings.js';
import { applyStatements } from './apply.js';
import { withTruncateReach, type DestructiveStatement } from './destructive.js';
import { catalogFingerprint } from './catalog-fingerprint.js';
import { modelsFingerprint, modelsSnapshot } from './fingerprint.js';
import { drizzleKitVersion } from './tool-versions.js';
import { kitSchema } from './kit-schema.js';
import { policyRepairs } from './policy-drift.js';
import { planFromSnapshot, planPush, preloadDrizzleKit, type PushPlan } from './plan.js';
import { readSchemaState, recordSources, writeSchemaState, type SchemaState } from './schema-state.js';
import { collectRecordingSources, type ModelSources } from './model-sources.js';
import { pgliteState, withPglitePush } from './pglite.js';
import { dropPostgresDatabase, ensurePostgresDatabase, withPostgresPush } from './postgres.js';
import { createExtensions } from './extensions.js';
import { withFirstPushUndo } from './first-push.js';
import { createDbFromMigrations } from '../migrations/create-db.js';
import { hasMigrations } from '../migrations/folder.js';
import type { PushSession } from './sql-runner.js';
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

/** What the caller of {@link pushModels} knows. */
export interface PushContext {
  /** The database is known to be missing (create_db's first check found none). */
  databaseMissing: boolean;
  /**
   * A server starts in this process next (`run --watch`): the modules are
   * imported from their files, where it then finds them, rather than bundled.
   */
  serverFollows?: boolean;
}

/**
 * The run that loads the models: collects them (recording what they are
 * built from), then creates the database when missing and pushes.
 */
export async function pushModels(project: ProjectContext, options: CreateDbOptions, output: Output, known: PushContext): Promise<number> {
  // Before the TypeScript loader: its hooks make loading drizzle-kit slower.
  await preloadDrizzleKit();
  const bundle = !known.serverFollows;
  if (bundle) await startBundler();
  const { collected, sources } = await collectRecordingSources({ projectDir: project.projectDir, env: project.env }, () =>
    collectSchema({ projectDir: project.projectDir, env: project.env, bundle }),
  );
  output.info(collectedTablesLine(collected));
  // Under run --watch, detail lines are the statements applied.
  if (bundle) output.detail(moduleLoadingLine(collected));

  // direct_url (or direct_host/direct_port) when set: a transaction pooler cannot hold the lock and session create_db needs.
  const settings = sessionSettings(readDatabaseSettings(collected.config, { projectDir: collected.projectDir, configFile: collected.configFile }));
  const target = settings.target;
  const where = describeTarget(target);
  output.info(`connecting to ${where}…`);
  if (hasMigrations(collected.projectDir)) {
    return createDbFromMigrations(project, collected, settings, options, output);
  }

  const pushTarget = { where, owners: tableOwners(collected.entries), extensions: settings.extensions, casing: settings.casing };
  const step = (session: PushSession): Promise<number> => pushStep(session, collected.schema, sources, pushTarget, options, output);
  // A dry run on a database made for it leaves none behind either.
  const keep = () => !options.dryRun;
  if (target.driver === 'postgres') {
    const state = await ensurePostgresDatabase(target, settings, known.databaseMissing);
    output.info(state === 'created' ? `database "${target.name}" created` : `database "${target.name}" exists`);
    const created = state === 'created' ? { what: `database "${target.name}"`, drop: () => dropPostgresDatabase(target, settings) } : undefined;
    return withFirstPushUndo(created, () => withPostgresPush(target, settings, output, step), keep);
  }
  const state = pgliteState(target);
  // Only a folder this run made is removed: one that was there may hold other files.
  const created =
    !target.path.startsWith(MEMORY_PATH) && !existsSync(target.path)
      ? { what: `the embedded database folder ${target.path}`, drop: () => rm(target.path, { recursive: true, force: true }) }
      : undefined;
  return withFirstPushUndo(
    created,
    () =>
      withPglitePush(settings, (session) => {
        output.info(state === 'created' ? 'embedded database created' : 'embedded database exists');
        return step(session);
      }),
    keep,
  );
}

/** The database a push goes to, and which app owns each table. */
interface PushTarget {
  where: string;
  /** `schema.table` → app name. */
  owners: ReadonlyMap<string, string>;
  /** `[database] extensions`, created before the comparison. */
  extensions: readonly string[];
  /** `[database] casing`: the SQL names of columns declared without one. */
  casing: ColumnCasing | undefined;
}

function tableOwners(entries: readonly CollectedEntry[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const entry of entries) if (entry.kind === 'table') owners.set(`${entry.sqlSchema}.${entry.sqlName}`, entry.app);
  return owners;
}

/**
 * Plans, judges and (unless told not to) applies, in one transaction that
 * also records what was pushed. While the database's catalog is as the last
 * push left it, the plan is the diff between the stored snapshot and the
 * models' (none at all when they are equal); otherwise the models are
 * compared with the live catalog.
 */
async function pushStep(
  session: PushSession,
  schema: Record<string, unknown>,
  sources: ModelSources | undefined,
  { where, owners, extensions, casing }: PushTarget,
  options: CreateDbOptions,
  output: Output,
): Promise<number> {
  // Before the comparison: the models' tables may use the extensions' types.
  await createExtensions(session.planner, extensions, where);
  const { imports, schemaNames } = kitSchema(schema);
  const snapshot = await modelsSnapshot(imports, schemaNames, casing);
  const models = modelsFingerprint(snapshot, schemaNames);
  // Read here, under the lock that makes runs on one database take turns.
  const stored = await readSchemaState(session.planner);
  const catalog = await catalogFingerprint(session.planner, schemaNames);
  const pushedSources = sources === undefined ? undefined : { ...sources, schemaNames: [...schemaNames] };
  const current: SchemaState = { snapshot, models, catalog, kitVersion: drizzleKitVersion(), sources: pushedSources };
  const fromSnapshot = stored !== undefined && stored.catalog === catalog && stored.kitVersion === current.kitVersion;
  if (fromSnapshot && stored.models === models) {
    // The same models from other sources (an edited comment, a moved helper): the next run can tell without loading them.
    if (!options.dryRun && pushedSources !== undefined && JSON.stringify(stored.sources) !== JSON.stringify(pushedSources)) {
      await session.applyInTransaction((runner) => recordSources(runner, pushedSources));
    }
    output.info('up to date: neither the models nor the database changed since the last create_db');
    return 0;
  }
  let plan: PushPlan | undefined;
  if (fromSnapshot) {
    output.info('planning from the schema stored at the last create_db…');
    plan = await planFromSnapshot(await stored.readSnapshot(), snapshot, { target: where });
    // The snapshots know no rows: a NOT NULL column without a default depends on them, which only the live comparison sees.
    if (plan.statements.some(addsRequiredColumn)) plan = undefined;
  }
  if (plan === undefined) {
    output.info(
      stored === undefined
        ? 'comparing the models with the database (no schema stored by create_db yet)…'
        : fromSnapshot
          ? 'comparing the models with the database (a new NOT NULL column depends on the rows there)…'
          : 'comparing the models with the database (it was changed since the last create_db)…',
    );
    plan = await planPush(imports, snapshot, schemaNames, session.planner, { target: where, casing });
    const repairs = await policyRepairs(snapshot, session, schemaNames);
    if (repairs.length > 0) plan = { ...plan, statements: [...plan.statements, ...repairs] };
  }
  if (plan.statements.length === 0) {
    // Nothing to apply, but the next run can plan from the snapshot.
    if (!options.dryRun) await session.applyInTransaction((runner) => writeSchemaState(runner, current));
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
  await session.applyInTransaction(async (runner) => {
    await applyStatements(runner, plan.statements, output);
    // The catalog as this transaction leaves it: what later runs will find.
    await writeSchemaState(runner, { ...current, catalog: await catalogFingerprint(runner, schemaNames) });
  });
  output.info(`applied ${count} statement${count === 1 ? '' : 's'}`);
  return 0;
}

/** `ADD COLUMN … NOT NULL` with no default (nor generated value): it fails on a table with rows. */
export function addsRequiredColumn(statement: string): boolean {
  return /\bADD COLUMN\b/i.test(statement) && /\bNOT NULL\b/i.test(statement) && !/\b(DEFAULT|GENERATED)\b/i.test(statement);
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
