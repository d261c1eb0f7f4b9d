/**
 * create_db's first question, asked before the models are loaded: is the
 * database as the last push left it (catalog fingerprint), and is every
 * input the pushed models were built from unchanged (see model-sources.ts)?
 * Then nothing can have changed and the run ends there, in the time of one
 * connection and a few hashes. Any other answer, or any failure on the way
 * (no database yet, no record, a server that does not answer), leaves the
 * decision to the full run, which reports what is wrong.
 */
import { loadConfig } from '../../runtime/project/config.js';
import { describeTarget, MEMORY_PATH, readDatabaseSettings, sessionSettings, type DatabaseSettings, type DatabaseTarget } from '../../runtime/db/settings.js';
import { connectFailure, isMissingDatabase } from '../../runtime/db/faults.js';
import { hasMigrations } from '../migrations/folder.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';
import { catalogFingerprint } from './catalog-fingerprint.js';
import { sourcesUnchanged, type SourcesContext } from './model-sources.js';
import { openEngine, pgliteState } from './pglite.js';
import { connect } from './postgres.js';
import { readSchemaState } from './schema-state.js';
import type { SqlRunner } from './sql-runner.js';

/** The line a run that ends here prints. */
export const UNCHANGED_SOURCES = 'up to date: neither the models\' sources nor the database changed since the last create_db (models not loaded)';

/** What the check found: all up to date (printed), a PostgreSQL database that does not exist yet, or work for the full run. */
export type SourcesCheck = 'up to date' | 'database missing' | 'load the models';

/** Asks the database whether the run can end without loading the models; prints where it connected and that all is up to date when it can. */
export async function checkSources(project: ProjectContext, output: Output): Promise<SourcesCheck> {
  if (hasMigrations(project.projectDir)) return 'load the models';
  const { config, file: configFile } = loadConfig(project.projectDir, { env: project.env });
  const settings = sessionSettings(readDatabaseSettings(config, { projectDir: project.projectDir, configFile }));
  const target = settings.target;
  const context: SourcesContext = { projectDir: project.projectDir, configFile, config, env: project.env };
  const found = await withStateReader(target, settings, (runner) => unchanged(runner, context).catch(() => false));
  if (found !== true) return found === 'missing' ? 'database missing' : 'load the models';
  output.info(`connecting to ${describeTarget(target)}…`);
  output.info(target.driver === 'postgres' ? `database "${target.name}" exists` : 'embedded database exists');
  output.info(UNCHANGED_SOURCES);
  return 'up to date';
}

async function unchanged(runner: SqlRunner, context: SourcesContext): Promise<boolean> {
  const stored = await readSchemaState(runner);
  const sources = stored?.sources;
  if (stored === undefined || sources === undefined) return false;
  if (!sourcesUnchanged(sources, context)) return false;
  return (await catalogFingerprint(runner, sources.schemaNames)) === stored.catalog;
}

/**
 * Runs `read` on the target database when there is one; resolves to
 * `missing` when a PostgreSQL database is not there yet, false when an
 * embedded one is not. A server that cannot be reached fails here as the
 * full run would, rather than after a second wait.
 */
async function withStateReader(
  target: DatabaseTarget,
  settings: DatabaseSettings,
  read: (runner: SqlRunner) => Promise<boolean>,
): Promise<boolean | 'missing'> {
  if (target.driver === 'postgres') {
    const sql = connect(target, settings);
    try {
      try {
        await sql.unsafe('select 1');
      } catch (error) {
        if (isMissingDatabase(error)) return 'missing';
        throw connectFailure(error, target);
      }
      return await read({ query: (text) => sql.unsafe(text) as unknown as Promise<Record<string, unknown>[]> });
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
  if (target.path.startsWith(MEMORY_PATH) || pgliteState(target) === 'created') return false;
  const engine = await openEngine(settings);
  try {
    if (engine.driver !== 'pglite') return false;
    const client = engine.client;
    return await read({ query: async (text) => (await client.query<Record<string, unknown>>(text)).rows });
  } finally {
    await engine.close();
  }
}
