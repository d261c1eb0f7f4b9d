/**
 * A database per test worker, made from the project's models as `backendts
 * create_db` would, and removed after. On PostgreSQL: a database named after
 * the project's own with `_test_<worker>`, to which the project is pointed
 * through `DATABASE_URL` (which overrides `[database]` when it starts). On the
 * embedded database: the data folder `[database] path` names, made afresh
 * (the config gives each worker its own, e.g. with `${VITEST_POOL_ID}`).
 */
import { rm } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { createDb } from '../cli/commands/create-db.js';
import type { Output } from '../cli/output.js';
import { dropPostgresDatabase } from '../cli/create-db/postgres.js';
import { registerTypeScriptLoader } from '../runtime/project/load-typescript.js';
import { loadConfig } from '../runtime/project/config.js';
import { MEMORY_PATH, readDatabaseSettings, type DatabaseSettings } from '../runtime/db/settings.js';
import { BackendtsError } from '../runtime/core/errors.js';

/** Options of {@link createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /** The project folder (where config.ini is). */
  projectDir: string;
  /** The config environment (`config.<env>.ini`); `BACKENDTS_ENV` when not given. */
  env?: string;
  /** Tells test workers apart; defaults to vitest's pool id (`VITEST_POOL_ID`), Jest's worker id, or the process id. */
  worker?: string;
}

/** A test worker's database. */
export interface TestDatabase {
  /** On PostgreSQL, the database's name: the project's own with `_test_<worker>`; on the embedded database, its data folder. */
  readonly name: string;
  /** On PostgreSQL, its connection URL, also set as `DATABASE_URL` until {@link TestDatabase.drop}; on the embedded database, the data folder as a `file:` URL. */
  readonly url: string;
  /** Drops the database (removes the embedded one's folder) and gives `DATABASE_URL` its value back. Close the project (`bp.close()`) first. */
  drop(): Promise<void>;
}

/** Output that keeps quiet: a test run shows only the tests. */
const QUIET: Output = { info() {}, detail() {}, warn() {}, error() {}, progress() {}, verbose: false };

/**
 * Creates this test worker's PostgreSQL database from the project's models
 * (dropping one left by an earlier run first) and sets `DATABASE_URL` to it,
 * so the project, started afterwards, uses it. On the
 * embedded database, makes the data folder `[database] path` names afresh
 * instead (`BT_TEST_DATABASE_MEMORY` for `memory://`). Fails with
 * `create_db`'s own errors when the models cannot be pushed.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions): Promise<TestDatabase> {
  const { projectDir } = options;
  const env = options.env ?? (process.env.BACKENDTS_ENV || undefined);
  const { config, file } = loadConfig(projectDir, { env });
  const settings = readDatabaseSettings(config, { projectDir, configFile: file });
  const target = settings.target;
  if (target.driver === 'pglite') return createEmbeddedTestDatabase(projectDir, env, target.path, file);
  const worker = options.worker ?? process.env.VITEST_POOL_ID ?? process.env.JEST_WORKER_ID ?? String(process.pid);
  const name = `${target.name}_test_${worker}`;
  const url = new URL(target.url);
  url.pathname = `/${encodeURIComponent(name)}`;
  const testSettings: DatabaseSettings = { ...settings, target: { ...target, name, url: url.toString() }, replicas: [] };
  const drop = () => dropPostgresDatabase(testSettings.target as typeof target, testSettings);

  await registerTypeScriptLoader(projectDir);
  await drop();
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url.toString();
  const restore = (): void => {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  };
  try {
    const exitCode = await createDb({ projectDir, env }, {}, QUIET);
    if (exitCode !== 0) {
      throw new BackendtsError('BT_TEST_DATABASE_PUSH', `the test database "${name}" could not be given the models' tables (create_db exited with ${exitCode})`, {
        hint: 'run `backendts create_db --dry-run` against it to see what it refused',
      });
    }
  } catch (error) {
    restore();
    await drop().catch(() => {});
    throw error;
  }
  return {
    name,
    url: url.toString(),
    async drop() {
      restore();
      await drop();
    },
  };
}

/**
 * The embedded database's test data folder: removed if an earlier run left
 * it, then created with the models' tables. `memory://` cannot be prepared
 * from outside the project's own process.
 */
async function createEmbeddedTestDatabase(projectDir: string, env: string | undefined, folder: string, file: string): Promise<TestDatabase> {
  if (folder.startsWith(MEMORY_PATH)) {
    throw new BackendtsError('BT_TEST_DATABASE_MEMORY', `${file}: [database] path = ${folder} is made empty by each process that opens it, so no test database can be prepared in it`, {
      hint: 'give each test worker a data folder of its own, e.g. path = .backendts/test-db-${VITEST_POOL_ID:-0} in config.test.ini',
    });
  }
  const drop = () => rm(folder, { recursive: true, force: true });
  await registerTypeScriptLoader(projectDir);
  await drop();
  try {
    const exitCode = await createDb({ projectDir, env }, {}, QUIET);
    if (exitCode !== 0) {
      throw new BackendtsError('BT_TEST_DATABASE_PUSH', `the test database in ${folder} could not be given the models' tables (create_db exited with ${exitCode})`, {
        hint: 'run `backendts create_db --dry-run` with the same config to see what it refused',
      });
    }
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { name: folder, url: pathToFileURL(folder).href, drop };
}
