/**
 * PostgreSQL side of `create_db`: makes sure the database exists, then plans
 * and applies while holding an advisory lock, so two runs at once take turns
 * and the second finds nothing to do.
 */
import postgres from 'postgres';
import { BackendtsError } from '../../runtime/core/errors.js';
import { connectFailure, isMissingDatabase } from '../../runtime/db/faults.js';
import { describeTarget, type DatabaseSettings, type DatabaseTarget } from '../../runtime/db/settings.js';
import type { Output } from '../output.js';
import { refuseTransactionPooler } from './pooler-check.js';
import type { PushSession } from './sql-runner.js';

type PostgresTarget = Extract<DatabaseTarget, { driver: 'postgres' }>;

/** Fixed key of the advisory lock that serializes `create_db` runs on one database. */
export const CREATE_DB_LOCK_KEY = '7094400193740629090';

/** Databases tried, in order, to run CREATE DATABASE from. */
const MAINTENANCE_DATABASES = ['postgres', 'template1'];

/** Opens a client on one database of the target's server (one connection unless told), no prepared statements. */
export function connect(target: PostgresTarget, settings: DatabaseSettings, database: string = target.name, max = 1): postgres.Sql {
  // The name goes as an option: postgres.js does not decode a percent-encoded name in the URL.
  const sql = postgres(target.url, {
    database,
    max,
    prepare: false,
    connect_timeout: settings.connectTimeout,
    ssl: settings.ssl === false ? false : settings.ssl,
    onnotice: () => {},
  });
  // Dates and times stay text, as in drizzle-kit's own client: introspection compares them as written.
  for (const oid of [1184, 1082, 1083, 1114]) {
    sql.options.parsers[oid] = (value: string) => value;
  }
  return sql;
}

/** Quotes a name as an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates the target database when it does not exist yet; tells which
 * happened. `knownMissing`: this run has just been told it is missing, so it
 * is not asked again (PgBouncer makes a second login to a missing database
 * wait `server_login_retry`, 15 s by default).
 */
export async function ensurePostgresDatabase(target: PostgresTarget, settings: DatabaseSettings, knownMissing = false): Promise<'created' | 'exists'> {
  if (!knownMissing) {
    const probe = connect(target, settings);
    try {
      await probe.unsafe('select 1');
      return 'exists';
    } catch (error) {
      if (!isMissingDatabase(error)) throw connectFailure(error, target);
    } finally {
      await probe.end({ timeout: 1 });
    }
  }
  let lastError: unknown;
  for (const maintenance of MAINTENANCE_DATABASES) {
    const admin = connect(target, settings, maintenance);
    const second = connect(target, settings, maintenance);
    try {
      // Before anything is created: a database made through a transaction pooler could not be dropped again.
      await refuseTransactionPooler(admin, second, target);
      await admin.unsafe(`CREATE DATABASE ${quoteIdentifier(target.name)}`);
      return 'created';
    } catch (error) {
      if (error instanceof BackendtsError) throw error;
      const code = (error as { code?: string }).code;
      // Another run created it at the same moment.
      if (code === '42P04' || code === '23505') return 'exists';
      if (code === '42501') {
        throw new BackendtsError(
          'BT_DB_CREATE_DENIED',
          `${describeTarget(target)} does not exist and user "${target.username ?? 'default user'}" may not create databases`,
          { hint: `create it as an administrator (CREATE DATABASE ${quoteIdentifier(target.name)}), or grant CREATEDB to the user`, cause: error },
        );
      }
      if (!isMissingDatabase(error)) throw connectFailure(error, target);
      lastError = error;
    } finally {
      await second.end({ timeout: 1 });
      await admin.end({ timeout: 1 });
    }
  }
  throw new BackendtsError(
    'BT_DB_CREATE_FAILED',
    `${describeTarget(target)} does not exist, and neither maintenance database (${MAINTENANCE_DATABASES.join(', ')}) is there to create it from`,
    { hint: `create the database yourself (CREATE DATABASE ${quoteIdentifier(target.name)})`, cause: lastError },
  );
}

/**
 * Drops a database this run created (and nothing wrote to). Without FORCE: a
 * database another session has meanwhile connected to is left, with an error.
 */
export async function dropPostgresDatabase(target: PostgresTarget, settings: DatabaseSettings): Promise<void> {
  const admin = connect(target, settings, MAINTENANCE_DATABASES[0]);
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${quoteIdentifier(target.name)}`);
  } finally {
    await admin.end({ timeout: 1 });
  }
}

/** Connections that read the current schema at once: drizzle-kit sends its per-table queries together. */
const PLAN_CONNECTIONS = 4;

/**
 * Runs `step` while holding the create_db advisory lock, on its own
 * connection, so that two runs on one database take turns. Planning reads
 * the catalog over a small pool (about twice as fast as one connection on a
 * large schema); applying runs in one transaction on the lock's connection,
 * so a failure rolls everything back. Closing that connection releases the lock.
 */
export async function withPostgresPush<T>(
  target: PostgresTarget,
  settings: DatabaseSettings,
  output: Output,
  step: (session: PushSession) => Promise<T>,
): Promise<T> {
  const locked = connect(target, settings);
  const pool = connect(target, settings, target.name, PLAN_CONNECTIONS);
  try {
    await refuseTransactionPooler(locked, pool, target);
    const [row] = await locked.unsafe(`select pg_try_advisory_lock(${CREATE_DB_LOCK_KEY}) as locked`);
    if (!row?.locked) {
      output.info('another create_db is running on this database: waiting for it to finish…');
      await locked.unsafe(`select pg_advisory_lock(${CREATE_DB_LOCK_KEY})`);
    }
    return await step({
      planner: { query: (text) => pool.unsafe(text) as unknown as Promise<Record<string, unknown>[]> },
      applyInTransaction: async (apply) =>
        (await locked.begin((tx) => apply({ query: (text) => tx.unsafe(text) as unknown as Promise<Record<string, unknown>[]>, pipelines: true }))) as Awaited<
          ReturnType<typeof apply>
        >,
    });
  } catch (error) {
    if (error instanceof BackendtsError) throw error;
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && /^(ECONN|ENOTFOUND|ETIMEDOUT|CONNECT_TIMEOUT|CONNECTION_|28)/.test(code)) {
      throw connectFailure(error, target);
    }
    throw error;
  } finally {
    await pool.end({ timeout: 5 });
    await locked.end({ timeout: 5 });
  }
}
