/**
 * The database engine: one per project, made from `[database]`. For
 * PostgreSQL it is a postgres.js pool; for the embedded default it is one
 * PGlite instance on the project's data folder, locked while open. Either way
 * it carries one Drizzle database built once with the project's schema.
 */
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { defaultProjectDir, type Config } from '../project/config.js';
import { drizzleCasing } from './casing.js';
import { BackendtsError } from '../core/errors.js';
import { Availability, type AvailabilityLogger } from './availability.js';
import { connectFailure, reasonOf } from './faults.js';
import { lockFolder, type FolderLock } from './folder-lock.js';
import { loadPgliteDriver } from './pglite-driver.js';
import { loadPgliteExtensions } from './pglite-extensions.js';
import { describeTarget, MEMORY_PATH, readDatabaseSettings, type DatabaseSettings, type PostgresTarget } from './settings.js';
import { echoLogger, type SqlLog } from './echo.js';
import { ReplicaSet, type ReplicaStats } from './replicas.js';
import { slotsOf, type SlotCounts } from './transaction-slots.js';
import type { AnySchema, DbSession, RegisteredSchema } from './types.js';

/** What `engine.stats()` answers. */
export interface DbEngineStats extends SlotCounts {
  /** Each read replica's counts and whether it is skipped as down (PostgreSQL with `replicas` only). */
  replicas?: ReplicaStats[];
}

/** What both engines have. */
interface DbEngineBase<TSchema extends AnySchema> {
  /** The checked `[database]` settings the engine was made from. */
  readonly settings: DatabaseSettings;
  /** The schema record handed to Drizzle (empty when none was given). */
  readonly schema: TSchema;
  /** A Drizzle database on the whole engine (the pool), built once. Requests use `db_session()` instead. */
  readonly db: DbSession<TSchema>;
  /** Writes one SQL line to the echo log; a no-op unless `echo` is on. */
  readonly log: SqlLog | undefined;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /**
   * The request transactions' pool counts, at this moment: `total` is how
   * many may be open at once (`pool_size`; 1 on the embedded database),
   * `idle` how many of those no request transaction holds, `waiting` how
   * many requests wait in line for one. Plain statements (`engine.db`, routes
   * with `transaction: false`) take no place and are not counted. On
   * PostgreSQL, `replicas` gives the same for each read replica.
   */
  stats(): DbEngineStats;
  /**
   * Resolves once the database answers `select 1`, or rejects (with
   * `BT_DB_UNREACHABLE`) when it does not within `timeout` milliseconds (0:
   * no deadline). On
   * PostgreSQL it runs on a connection of its own, opened on first use, so
   * a pool full of request transactions does not make it wait; on the
   * embedded database it waits for an open transaction like any statement.
   */
  ping(timeout: number): Promise<void>;
  /**
   * Closes the pool (or the embedded database and its folder lock), letting
   * running statements finish for up to `timeout` seconds (default 5). Safe to call twice.
   */
  close(options?: { timeout?: number }): Promise<void>;
}

/** An engine on a PostgreSQL server through postgres.js. */
export interface PostgresDbEngine<TSchema extends AnySchema = RegisteredSchema> extends DbEngineBase<TSchema> {
  readonly driver: 'postgres';
  /** The raw postgres.js pool, for admin work (`CREATE DATABASE`, introspection). */
  readonly client: postgres.Sql;
  /** Whether the server answers, as the request transactions see it; logs an outage and its end once each. */
  readonly availability: Availability;
  /** The read replicas (`[database] replicas`), one pool each; empty when none are listed. */
  readonly replicas: ReplicaSet;
}

/** An engine on the embedded database (PGlite) in a locked data folder. */
export interface PgliteDbEngine<TSchema extends AnySchema = RegisteredSchema> extends DbEngineBase<TSchema> {
  readonly driver: 'pglite';
  /** The raw PGlite instance, for admin work. */
  readonly client: PGlite;
}

/** A database engine: PostgreSQL (postgres.js pool) or the embedded PGlite. */
export type DbEngine<TSchema extends AnySchema = RegisteredSchema> = PostgresDbEngine<TSchema> | PgliteDbEngine<TSchema>;

/** Options of {@link getDbEngine}. */
export interface GetDbEngineOptions<TSchema extends AnySchema = RegisteredSchema> {
  /** Folder the embedded database path is relative to (needed when passing a config). Defaults to the project the CLI runs (`BACKENDTS_PROJECT_DIR`), else the current folder. */
  projectDir?: string;
  /** Named in error messages about settings. */
  configFile?: string;
  /** The Drizzle schema record (tables, relations, ...), e.g. `collectSchema(...).schema`. */
  schema?: TSchema;
  /** PostgreSQL only: connect to this database instead of the configured one (e.g. `postgres`, to create it). */
  database?: string;
  /** Where echoed SQL goes (when `echo` is on); defaults to the console. */
  log?: SqlLog;
  /** PostgreSQL only: where the outage and recovery lines go (`bp.logger` under setDatabaseHooks); defaults to the console. */
  logger?: AvailabilityLogger;
}

/**
 * Makes the engine from a project config (its `[database]` section) or from
 * settings already read, connects and checks that the database answers.
 * Fails with `BT_DB_UNREACHABLE` naming host, port and database (never the
 * password), `BT_DB_MISSING` when the database does not exist, or
 * `BT_DB_LOCKED` when the embedded database's folder is in use.
 */
export async function getDbEngine<TSchema extends AnySchema = RegisteredSchema>(
  configOrSettings: Config | DatabaseSettings,
  options: GetDbEngineOptions<TSchema> = {},
): Promise<DbEngine<TSchema>> {
  const settings = isSettings(configOrSettings)
    ? configOrSettings
    : readDatabaseSettings(configOrSettings, {
        projectDir: options.projectDir ?? defaultProjectDir(),
        ...(options.configFile !== undefined && { configFile: options.configFile }),
      });
  const schema = (options.schema ?? {}) as TSchema;
  const log = settings.echo ? (options.log ?? echoLogger()) : undefined;
  return settings.target.driver === 'postgres'
    ? openPostgres(settings, schema, log, options.database, options.logger ?? consoleLogger)
    : openPglite(settings, schema, log);
}

function isSettings(value: Config | DatabaseSettings): value is DatabaseSettings {
  const target = (value as { target?: unknown }).target;
  return typeof target === 'object' && target !== null && 'driver' in target && 'isolationLevel' in value;
}

async function openPostgres<TSchema extends AnySchema>(
  settings: DatabaseSettings,
  schema: TSchema,
  log: SqlLog | undefined,
  database: string | undefined,
  logger: AvailabilityLogger,
): Promise<PostgresDbEngine<TSchema>> {
  const target = settings.target as PostgresTarget;
  const where = database === undefined ? describeTarget(target) : describeTarget({ ...target, name: database });
  const client = postgresPool(target, database ?? target.name, settings, log);
  try {
    await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 0 }).catch(() => {});
    throw connectFailure(error, database === undefined ? target : { ...target, name: database });
  }
  // The first connection fetched the server's array types for the whole pool
  // (the parsers are shared). postgres.js would fetch them again on every new
  // connection and leave that fetch's failure (a backend ended just after
  // connecting) as an unhandled rejection, which ends the process.
  client.options.fetch_types = false;
  const db = drizzlePostgres({ client, schema, ...drizzleCasing(settings) }) as unknown as DbSession<TSchema>;
  // Replicas connect on first use: one that is down must not stop the primary from serving.
  const replicas = new ReplicaSet(
    (database === undefined ? settings.replicas : []).map((replica) => ({
      where: `PostgreSQL replica of "${replica.name}" on ${replica.host}:${replica.port}`,
      hostPort: `${replica.host}:${replica.port}`,
      client: postgresPool(replica, replica.name, settings, log),
    })),
    settings.poolSize,
    logger,
  );
  let probe: postgres.Sql | undefined;
  let closed = false;
  return {
    driver: 'postgres',
    settings,
    schema,
    db,
    client,
    log,
    availability: new Availability(where, logger),
    replicas,
    get closed() {
      return closed;
    },
    stats() {
      const counts: DbEngineStats = slotsOf(client, settings.poolSize).counts();
      if (replicas.configured) counts.replicas = replicas.stats();
      return counts;
    },
    ping(timeout) {
      // Closing ends the probe too: never open a new one after it.
      if (closed) return answerWithin(Promise.reject(new Error('the engine is closed')), timeout, where);
      probe ??= postgresPool(target, database ?? target.name, { ...settings, poolSize: 1, statementTimeout: timeout }, undefined);
      const query = probe`select 1`;
      return answerWithin(query, timeout, where, () => void query.cancel());
    },
    async close(options = {}) {
      if (closed) return;
      closed = true;
      await Promise.all([client.end({ timeout: options.timeout ?? 5 }), replicas.close(options.timeout ?? 5), probe?.end({ timeout: 0 })]);
    },
  };
}

async function openPglite<TSchema extends AnySchema>(
  settings: DatabaseSettings,
  schema: TSchema,
  log: SqlLog | undefined,
): Promise<PgliteDbEngine<TSchema>> {
  const target = settings.target as Extract<DatabaseSettings['target'], { driver: 'pglite' }>;
  const { PGlite, drizzle: drizzlePglite } = await loadPgliteDriver();
  // Loaded at every open, not only by create_db: a database that uses an extension needs its files to serve.
  const extensions = await loadPgliteExtensions(settings.extensions, describeTarget(target));
  const inMemory = target.path.startsWith(MEMORY_PATH);
  // An in-memory database belongs to this engine alone: nothing to lock.
  const lock: FolderLock = inMemory ? { file: '', release: () => {} } : lockFolder(target.path);
  let client: PGlite;
  try {
    client = await PGlite.create({ dataDir: target.path, extensions });
  } catch (error) {
    lock.release();
    throw new BackendtsError('BT_DB_OPEN_FAILED', `cannot open the ${describeTarget(target)}: ${reasonOf(error)}`, {
      hint: 'check that the folder holds a database made by backendts (or is empty), or set [database] path to another folder',
      cause: error,
    });
  }
  const db = drizzlePglite({
    client,
    schema,
    ...drizzleCasing(settings),
    ...(log && { logger: { logQuery: (query: string) => log(query) } }),
  }) as unknown as DbSession<TSchema>;
  let closed = false;
  return {
    driver: 'pglite',
    settings,
    schema,
    db,
    client,
    log,
    get closed() {
      return closed;
    },
    stats() {
      return slotsOf(client, 1).counts();
    },
    ping(timeout) {
      return answerWithin(client.query('select 1'), timeout, describeTarget(target));
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        lock.release();
      }
    },
  };
}

/** A postgres.js pool on `target` with the `[database]` pool settings (the primary's and each replica's). */
function postgresPool(target: PostgresTarget, database: string, settings: DatabaseSettings, log: SqlLog | undefined): postgres.Sql {
  return postgres(target.url, {
    // Given apart from the URL: postgres.js does not percent-decode a database name in it.
    database,
    ...(target.username !== undefined && { username: target.username }),
    ...(target.password !== undefined && { password: target.password }),
    max: settings.poolSize,
    connect_timeout: settings.connectTimeout,
    idle_timeout: settings.idleTimeout > 0 ? settings.idleTimeout : undefined,
    // postgres.js recycles connections after 30-60 minutes unless told otherwise.
    max_lifetime: settings.maxLifetime > 0 ? settings.maxLifetime : null,
    prepare: settings.prepare,
    ssl: settings.ssl,
    // postgres.js's own back-off grows to 20 s across the whole pool, and a
    // request handed to a connection waits out its sleep: keep it short.
    backoff: reconnectBackoff(settings.reconnectDelay),
    onnotice: () => {},
    connection: {
      application_name: 'backendts',
      ...(settings.statementTimeout > 0 && { statement_timeout: Math.round(settings.statementTimeout) }),
    },
    // Echo what actually goes over the wire, BEGIN and COMMIT included; never the parameters.
    ...(log && { debug: (_connection: number, query: string) => log(query) }),
  });
}

/** Waits for `query` at most `timeout` ms; a failure or the deadline rejects with `BT_DB_UNREACHABLE`. */
async function answerWithin(query: PromiseLike<unknown>, timeout: number, where: string, giveUp?: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    if (timeout <= 0) return;
    timer = setTimeout(() => {
      giveUp?.();
      reject(new Error(`no answer within ${timeout} ms`));
    }, timeout);
  });
  try {
    await Promise.race([query, deadline]);
  } catch (error) {
    throw new BackendtsError('BT_DB_UNREACHABLE', `the ${where} did not answer select 1: ${reasonOf(error)}`, {
      hint: 'check that PostgreSQL is running and reachable, and that [database] points to it',
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

const consoleLogger: AvailabilityLogger = {
  error: (message) => console.error(message),
  info: (message) => console.info(message),
};

/**
 * Seconds a connection waits before its next attempt after `retries` failures
 * (counted across the pool): doubling from 10 ms up to `max`, with jitter so
 * the pool does not reconnect in lockstep.
 */
export function reconnectBackoff(max: number): (retries: number) => number {
  return (retries) => Math.min(0.01 * 2 ** retries, max) * (0.5 + Math.random() / 2);
}
