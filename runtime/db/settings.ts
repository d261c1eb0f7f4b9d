/**
 * Reads and checks the `[database]` section. One place decides which engine a
 * project uses, so the server, `create_db` and `init_project` always agree.
 */
import path from 'node:path';
import type { Config } from '../project/config.js';
import { BackendtsError } from '../core/errors.js';
import { readSection, readSetting, type ISOLATION_LEVELS, type SectionValues } from '../project/settings-table.js';
import type { ColumnCasing } from './casing.js';

/** Transaction isolation levels accepted by `isolation_level`. */
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

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
  /** `direct_url` (or `direct_host`/`direct_port`): PostgreSQL itself, for the commands that need a session of their own (create_db, migrate); undefined: `target`. */
  directTarget: PostgresTarget | undefined;
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
  /** Read replicas of the PostgreSQL primary (`replicas`), each with the primary's database and credentials unless its URL says otherwise. */
  replicas: PostgresTarget[];
}

/** A PostgreSQL target. */
export type PostgresTarget = Extract<DatabaseTarget, { driver: 'postgres' }>;

/** Default folder of the embedded database, relative to the project. */
export const DEFAULT_PGLITE_PATH = '.backendts/db';

/** `[database] path` prefix that keeps the embedded database in memory, with no folder. */
export const MEMORY_PATH = 'memory://';

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
  const configFile = options.configFile ?? 'config.ini';
  const where = `${configFile} [database]`;
  const section = readSection(config, 'database', configFile);
  const env = options.environment ?? process.env;
  const url = env.DATABASE_URL || section.url;
  const host = section.host;
  const driver = section.driver ?? (url !== undefined || host !== undefined ? 'postgres' : 'pglite');

  let target: DatabaseTarget;
  if (driver === 'pglite') {
    const folder = section.path ?? DEFAULT_PGLITE_PATH;
    // `memory://` keeps the embedded database in memory (tests, throwaway runs).
    target = { driver, path: folder.startsWith(MEMORY_PATH) ? folder : path.resolve(options.projectDir, folder) };
  } else if (url !== undefined) {
    target = postgresTargetFromUrl(url, where);
  } else {
    const name = section.name;
    if (name === undefined) {
      throw new BackendtsError('BT_DB_SETTING_MISSING', `${where}: "name" is required for PostgreSQL`, {
        hint: 'add name = <database name>, or set url = postgres://user@host:5432/name',
      });
    }
    const { port, username, password } = section;
    const built = new URL('postgres://placeholder');
    built.hostname = host ?? '127.0.0.1';
    built.port = String(port);
    built.pathname = `/${encodeURIComponent(name)}`;
    if (username !== undefined) built.username = encodeURIComponent(username);
    if (password !== undefined) built.password = encodeURIComponent(password);
    target = { driver: 'postgres', url: built.toString(), host: host ?? '127.0.0.1', port, name, username, password };
  }

  const replicas = readReplicas(section.replicas, target, where);
  const ssl = section.ssl;
  const directTarget = readDirectTarget(section, target, where);
  return {
    target,
    directTarget,
    isolationLevel: section.isolation_level,
    echo: section.echo,
    logParameters: section.log_parameters,
    poolSize: section.pool_size,
    connectTimeout: section.connect_timeout / 1000,
    idleTimeout: section.idle_timeout / 1000,
    maxLifetime: section.max_lifetime / 1000,
    statementTimeout: section.statement_timeout,
    poolTimeout: section.pool_timeout / 1000,
    transactionTimeout: section.transaction_timeout / 1000,
    reconnectDelay: section.reconnect_delay / 1000,
    prepare: section.prepare,
    ssl: ssl === 'false' || ssl === 'disable' ? false : ssl === 'true' ? 'require' : ssl,
    extensions: section.extensions,
    casing: section.casing,
    requireMigrations: section.require_migrations,
    replicas,
  };
}

/**
 * `replicas`: one `host:port` (or `host`) or `postgres://` URL an item. A
 * host takes the primary's database, user and password; a URL says its own.
 * The embedded database has no replicas: listing some is an error, not a
 * silent no-op, since reads would not go where the config says.
 */
function readReplicas(items: string[], primary: DatabaseTarget, where: string): PostgresTarget[] {
  if (items.length === 0) return [];
  if (primary.driver !== 'postgres') {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where} replicas: the embedded database (PGlite) has no read replicas`, {
      hint: 'remove replicas, or point [database] at a PostgreSQL server (host or url) whose replicas they are',
    });
  }
  return items.map((item) => {
    if (/^postgres(ql)?:\/\//.test(item)) return postgresTargetFromUrl(item, where, 'replicas');
    const match = /^(\[[^\]]+\]|[^:/\s]+)(?::(\d{1,5}))?$/.exec(item);
    if (!match || (match[2] !== undefined && Number(match[2]) > 65535)) {
      throw new BackendtsError('BT_DB_SETTING_INVALID', `${where} replicas: "${item}" is neither host:port nor a postgres:// URL`, {
        hint: 'write one replica a line, as host:port (it uses the primary\'s database, user and password) or postgres://user:password@host:port/name',
      });
    }
    return movedTarget(primary, match[1]!.replace(/^\[|\]$/g, ''), match[2] === undefined ? 5432 : Number(match[2]));
  });
}

/**
 * Where create_db and migrate connect: `direct_url`, or the main target
 * moved to `direct_host` and/or `direct_port` (its database, user and
 * password kept). Both ways at once is refused: which one wins would be a
 * guess, and a wrong guess runs migrations against another server.
 */
function readDirectTarget(section: SectionValues<'database'>, target: DatabaseTarget, where: string): PostgresTarget | undefined {
  const { direct_url: url, direct_host: host, direct_port: port } = section;
  const parts = [host === undefined ? undefined : 'direct_host', port === undefined ? undefined : 'direct_port'].filter((key) => key !== undefined);
  if (url !== undefined && parts.length > 0) {
    throw new BackendtsError('BT_DB_SETTING_CONFLICT', `${where}: direct_url and ${parts.join(' and ')} both say where create_db and migrate connect`, {
      hint: 'keep one: direct_url (a whole URL), or direct_host and/or direct_port (the same database, user and password as the main connection)',
    });
  }
  if (url !== undefined) return postgresTargetFromUrl(url, where, 'direct_url');
  if (parts.length === 0) return undefined;
  if (target.driver !== 'postgres') {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where} ${parts.join(', ')}: the embedded database (PGlite) has no server to reach directly`, {
      hint: `remove ${parts.join(' and ')}, or point [database] at a PostgreSQL server (host or url)`,
    });
  }
  return movedTarget(target, host ?? target.host, port ?? target.port);
}

/** `target` on another host and port: the same database, user, password and URL options. */
function movedTarget(target: PostgresTarget, host: string, port: number): PostgresTarget {
  const url = new URL(target.url);
  url.host = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { ...target, url: url.toString(), host, port };
}

/**
 * `[database] log_parameters`: whether logged errors may show SQL parameter
 * values. Read by the runtime too, which logs failed requests with or
 * without them.
 */
export function readLogParameters(config: Config, configFile = 'config.ini'): boolean {
  return readSetting(config, 'database', 'log_parameters', configFile);
}

/**
 * The settings `create_db` and `migrate` connect with: `direct_url` (or
 * `direct_host`/`direct_port`) when set (a transaction pooler cannot hold
 * their advisory lock and session), the server's own target otherwise.
 */
export function sessionSettings(settings: DatabaseSettings): DatabaseSettings {
  return settings.directTarget === undefined ? settings : { ...settings, target: settings.directTarget };
}

/** Describes the target for messages: host, port and database, never the password. */
export function describeTarget(target: DatabaseTarget): string {
  return target.driver === 'pglite'
    ? `embedded database at ${target.path}`
    : `PostgreSQL database "${target.name}" on ${target.host}:${target.port}`;
}

function postgresTargetFromUrl(url: string, where: string, key = 'url'): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: ${key === 'url' ? 'url (or DATABASE_URL)' : key} is not a valid URL`, {
      hint: 'write it as postgres://user:password@host:5432/name',
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new BackendtsError('BT_DB_SETTING_INVALID', `${where}: ${key} must start with postgres:// (got ${parsed.protocol}//)`, {
      hint: 'write it as postgres://user:password@host:5432/name',
    });
  }
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (name === '') {
    throw new BackendtsError('BT_DB_SETTING_MISSING', `${where}: ${key} has no database name`, {
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
