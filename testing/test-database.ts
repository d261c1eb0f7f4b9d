/**
 * A database per test worker, made from the project's models: a PostgreSQL
 * database named after the project's own with `_test_<worker>`, created and
 * given its tables as `backendts create_db` would, and dropped after. The
 * project is pointed at it through `DATABASE_URL`, which overrides
 * `[database]` when the project starts.
 */
import { createDb } from '../cli/commands/create-db.js';
import type { Output } from '../cli/output.js';
import { dropPostgresDatabase } from '../cli/create-db/postgres.js';
import { registerTypeScriptLoader } from '../runtime/load-typescript.js';
import { loadConfig } from '../runtime/config.js';
import { readDatabaseSettings, type DatabaseSettings } from '../runtime/db/settings.js';
import { BackendtsError } from '../runtime/errors.js';

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
  /** The database's name: the project's own with `_test_<worker>`. */
  readonly name: string;
  /** Its connection URL, also set as `DATABASE_URL` until {@link TestDatabase.drop}. */
  readonly url: string;
  /** Drops the database and gives `DATABASE_URL` its value back. Close the project (`bp.close()`) first. */
  drop(): Promise<void>;
}

/** Output that keeps quiet: a test run shows only the tests. */
const QUIET: Output = { info() {}, detail() {}, warn() {}, error() {}, progress() {}, verbose: false };

/**
 * Creates this test worker's PostgreSQL database from the project's models
 * (dropping one left by an earlier run first) and sets `DATABASE_URL` to it,
 * so the project, started afterwards, uses it. Fails with
 * `BT_TEST_DATABASE_SERVER` when the project's `[database]` is the embedded
 * database, and with `create_db`'s own errors when the models cannot be pushed.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions): Promise<TestDatabase> {
  const { projectDir } = options;
  const env = options.env ?? (process.env.BACKENDTS_ENV || undefined);
  const { config, file } = loadConfig(projectDir, { env });
  const settings = readDatabaseSettings(config, { projectDir, configFile: file });
  const target = settings.target;
  if (target.driver !== 'postgres') {
    throw new BackendtsError('BT_TEST_DATABASE_SERVER', `${file}: a test database per worker needs PostgreSQL, and [database] is the embedded database`, {
      hint: 'give the tests a PostgreSQL server (DATABASE_URL or [database] host in config.test.ini), or use path = memory:// and create the tables on startup',
    });
  }
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
