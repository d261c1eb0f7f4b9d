/**
 * Reads and checks the `[database]` section. One place decides which engine a
 * project uses, so the server, `create_db` and `init_project` always agree.
 */
import path from 'node:path';
import { configList, type Config, type ConfigValue } from '../config.js';
import { BackendtsError } from '../errors.js';
import { readColumnCasing, type ColumnCasing } from './casing.js';

/** Transaction isolation levels accepted by `isolation_level`. */
export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

/** Where the data lives: a PostgreSQL server, or the embedded PGlite folder. */
export type DatabaseTarget =
  | {
      driver: 'postgres';
      /** Full connection URL (from `url`, `DATABASE_URL`, or built from host/port/name/...). */
      url: string;
      host: string;
      port: number;
      /** Database name. */
      name: string;
      username: string | undefined;
      password: string | undefined;
    }
  | {
      driver: 'pglite';
      /** Absolute path of the data folder, or `memory://` for an in-memory database. */
      path: string;
    };

/** The `[database]` section, checked and with defaults filled in. */
export interface DatabaseSettings {
  target: DatabaseTarget;
  isolationLevel: IsolationLevel;
  /** Log every SQL statement (never parameters' secrets nor the password). */
  echo: boolean;
  /** Show SQL parameter values in logged errors (off: they may hold passwords and e-mails). */
  logParameters: boolean;
  poolSize: number;
  /** Seconds to wait for a new connection. */
  connectTimeout: number;
  /** Seconds an idle pooled connection is kept (0: forever). */
  idleTimeout: number;
  /** Seconds a connection lives at most (0: forever). */
  maxLifetime: number;
  /** Milliseconds a statement may run (0: no limit). */
  statementTimeout: number;
  /** Seconds a request waits for a free connection before failing (0: forever). */
  poolTimeout: number;
  /** Seconds a request may hold its transaction before it is rolled back (0: no limit). */
  transactionTimeout: number;
  /** Seconds a pooled connection waits at most between attempts to reconnect to an unreachable server. */
  reconnectDelay: number;
  /** Use prepared statements (turn off behind PgBouncer in transaction mode). */
  prepare: boolean;
  ssl: false | 'require' | 'allow' | 'prefer' | 'verify-full';
  /** PostgreSQL extensions the schema needs (`vector`, `pg_trgm`): created by `create_db`, loaded into the embedded database. */
  extensions: string[];
  /** How a column declared without a name is named in SQL (`snake_case`, `camelCase`); undefined: after its key. */
  casing: ColumnCasing | undefined;
  /** Refuse to start while the database lacks some of the project's migrations (otherwise a warning). */
  requireMigrations: boolean;
}

/** Default folder of the embedded database, relative to the project. */
export const DEFAULT_PGLITE_PATH = '.backendts/db';

/** `[database] path` prefix that keeps the embedded database in memory, with no folder. */
export const MEMORY_PATH = 'memory://';

const KNOWN_KEYS = new Set([
  'driver', 'url', 'host', 'port', 'name', 'username', 'password', 'path',
  'isolation_level', 'echo', 'log_parameters', 'pool_size', 'connect_timeout', 'idle_timeout',
  'max_lifetime', 'statement_timeout', 'pool_timeout', 'transaction_timeout', 'reconnect_delay', 'prepare', 'ssl', 'extensions',
  'casing',
  'require_migrations',
]);

/** An extension name as CREATE EXTENSION takes it (`uuid-ossp` has a dash). */
const EXTENSION_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const ISOLATION_LEVELS: IsolationLevel[] = ['read uncommitted', 'read committed', 'repeatable read', 'serializable'];

/** Options of {@link readDatabaseSettings}. */
export interface ReadDatabaseSettingsOptions {
  /** Folder the embedded database path is relative to. */
  projectDir: string;
  /** Named in error messages. */
  configFile?: string;
  /** Looked up for `DATABASE_URL`; defaults to `process.env`. */
  environment?: NodeJS.ProcessEnv;
}

/** Checks `[database]` and fills in defaults; an unknown key or bad value fails naming it. */
export function readDatabaseSettings(config: Config, options: ReadDatabaseSettingsOptions): DatabaseSettings {
  const section = config.database ?? {};
  const where = `${options.configFile ?? 'config.ini'} [database]`;
  for (const key of Object.keys(section)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new BackendtsError('BT_DB_SETTING_UNKNOWN', `${where}: unknown setting "${key}"`, {
        hint: `known settings: ${[...KNOWN_KEYS].join(', ')}`,
      });
    }
  }
  const text = (key: string): string | undefined => {
    const value = section[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: "${key}" must be a single value`, {
        hint: `write it as ${key} = <value>`,
      });
    }
    return value;
  };
  const env = options.environment ?? process.env;
  const envUrl = env.DATABASE_URL || undefined;
  const driverSetting = text('driver');
  if (driverSetting !== undefined && driverSetting !== 'postgres' && driverSetting !== 'pglite') {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: driver = ${driverSetting} is not known`, {
      hint: 'use driver = postgres or driver = pglite',
    });
  }
  const url = envUrl ?? text('url');
  const host = text('host');
  const driver = driverSetting ?? (url !== undefined || host !== undefined ? 'postgres' : 'pglite');

  let target: DatabaseTarget;
  if (driver === 'pglite') {
    const folder = text('path') ?? DEFAULT_PGLITE_PATH;
    // `memory://` keeps the embedded database in memory (tests, throwaway runs).
    target = { driver, path: folder.startsWith(MEMORY_PATH) ? folder : path.resolve(options.projectDir, folder) };
  } else if (url !== undefined) {
    target = postgresTargetFromUrl(url, where);
  } else {
    const name = text('name');
    if (name === undefined) {
      throw new BackendtsError('BT_DB_SETTING_MISSING', `${where}: "name" is required for PostgreSQL`, {
        hint: 'add name = <database name>, or set url = postgres://user@host:5432/name',
      });
    }
    const port = integer(text('port'), 5432, 'port', where);
    const username = text('username');
    const password = text('password');
    const built = new URL('postgres://placeholder');
    built.hostname = host ?? '127.0.0.1';
    built.port = String(port);
    built.pathname = `/${encodeURIComponent(name)}`;
    if (username !== undefined) built.username = encodeURIComponent(username);
    if (password !== undefined) built.password = encodeURIComponent(password);
    target = { driver: 'postgres', url: built.toString(), host: host ?? '127.0.0.1', port, name, username, password };
  }

  const isolation = (text('isolation_level') ?? 'read committed').toLowerCase().replace(/_/g, ' ') as IsolationLevel;
  if (!ISOLATION_LEVELS.includes(isolation)) {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: isolation_level = ${text('isolation_level')} is not known`, {
      hint: `use one of: ${ISOLATION_LEVELS.join(', ')}`,
    });
  }
  const ssl = text('ssl') ?? boolText(section.ssl);
  const sslModes = ['false', 'true', 'require', 'allow', 'prefer', 'verify-full', 'disable'];
  if (ssl !== undefined && !sslModes.includes(ssl)) {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: ssl = ${ssl} is not known`, {
      hint: 'use ssl = require, prefer, allow, verify-full or false',
    });
  }
  return {
    target,
    isolationLevel: isolation,
    echo: boolean(section.echo, false, 'echo', where),
    logParameters: readLogParameters(config, options.configFile),
    poolSize: integer(text('pool_size'), 10, 'pool_size', where, 1),
    connectTimeout: seconds(text('connect_timeout'), 10, 'connect_timeout', where),
    idleTimeout: seconds(text('idle_timeout'), 0, 'idle_timeout', where),
    maxLifetime: seconds(text('max_lifetime'), 0, 'max_lifetime', where),
    statementTimeout: seconds(text('statement_timeout'), 0, 'statement_timeout', where) * 1000,
    poolTimeout: seconds(text('pool_timeout'), 30, 'pool_timeout', where),
    transactionTimeout: seconds(text('transaction_timeout'), 60, 'transaction_timeout', where),
    reconnectDelay: seconds(text('reconnect_delay'), 0.5, 'reconnect_delay', where),
    prepare: boolean(section.prepare, true, 'prepare', where),
    ssl: ssl === undefined || ssl === 'false' || ssl === 'disable' ? false : ssl === 'true' ? 'require' : (ssl as DatabaseSettings['ssl']),
    extensions: extensionList(section.extensions, where),
    casing: readColumnCasing(config, options.configFile),
    requireMigrations: boolean(section.require_migrations, false, 'require_migrations', where),
  };
}

/**
 * `[database] log_parameters`: whether logged errors may show SQL parameter
 * values. Read by the runtime too, which logs failed requests with or
 * without them.
 */
export function readLogParameters(config: Config, configFile = 'config.ini'): boolean {
  return boolean(config.database?.log_parameters, false, 'log_parameters', `${configFile} [database]`);
}

/** `extensions = vector, pg_trgm` (or one a line): names only, each once. */
function extensionList(value: ConfigValue | undefined, where: string): string[] {
  if (typeof value === 'boolean') {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: extensions = ${String(value)} is not a list of extension names`, {
      hint: 'write extensions = vector, pg_trgm (or one name a line)',
    });
  }
  const names = configList(value);
  for (const name of names) {
    if (!EXTENSION_NAME.test(name)) {
      throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: extensions: "${name}" is not an extension name`, {
        hint: 'write extensions = vector, pg_trgm (names separated by commas, or one a line)',
      });
    }
  }
  return [...new Set(names)];
}

/** Describes the target for messages: host, port and database, never the password. */
export function describeTarget(target: DatabaseTarget): string {
  return target.driver === 'pglite'
    ? `embedded database at ${target.path}`
    : `PostgreSQL database "${target.name}" on ${target.host}:${target.port}`;
}

function postgresTargetFromUrl(url: string, where: string): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: url (or DATABASE_URL) is not a valid URL`, {
      hint: 'write it as postgres://user:password@host:5432/name',
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: url must start with postgres:// (got ${parsed.protocol}//)`, {
      hint: 'write it as postgres://user:password@host:5432/name',
    });
  }
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (name === '') {
    throw new BackendtsError('BT_DB_SETTING_MISSING', `${where}: url has no database name`, {
      hint: 'end the URL with /<database name>',
    });
  }
  return {
    driver: 'postgres',
    url,
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 5432,
    name,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
  };
}

function boolText(value: ConfigValue | undefined): string | undefined {
  return typeof value === 'boolean' ? String(value) : undefined;
}

function boolean(value: ConfigValue | undefined, fallback: boolean, key: string, where: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['1', 'yes', 'on', 'true'].includes(text)) return true;
  if (['0', 'no', 'off', 'false'].includes(text)) return false;
  throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: ${key} = ${String(value)} is not a yes/no value`, {
    hint: `write ${key} = true or ${key} = false`,
  });
}

function integer(value: string | undefined, fallback: number, key: string, where: string, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: ${key} = ${value} is not a whole number >= ${min}`, {
      hint: `write ${key} = <number>`,
    });
  }
  return n;
}

/** Durations: a number of seconds, or with a unit (`500ms`, `30s`, `5m`). */
function seconds(value: string | undefined, fallback: number, key: string, where: string): number {
  if (value === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(value.trim());
  if (!match) {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: ${key} = ${value} is not a duration`, {
      hint: `write ${key} = 30 (seconds), 30s, 500ms or 5m`,
    });
  }
  const n = Number(match[1]);
  return match[2] === 'ms' ? n / 1000 : match[2] === 'm' ? n * 60 : n;
}
