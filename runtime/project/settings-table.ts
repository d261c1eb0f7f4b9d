/**
 * Every setting of the framework's own config.ini sections, with its
 * validator and default: the one table that says which sections and keys
 * exist. Adding a setting is one entry here (then reading it where it is
 * used). A key the table does not know in one of these sections, or a
 * section named one or two letters away from one of them, is refused with
 * the closest known name; every other section belongs to the apps.
 */
import type { Config, ConfigValue } from './config.js';
import { closestName } from '../core/did-you-mean.js';
import { BackendtsError } from '../core/errors.js';
import {
  asWritten,
  configList,
  duration,
  healthPrefix,
  nameList,
  oneOf,
  port,
  size,
  text,
  trimmed,
  wholeNumber,
  yesNo,
  type SettingPlace,
  type ValueReader,
} from '../core/setting-values.js';

/** One setting: how its value is read, and what it is when missing or empty. */
export interface Setting<T> {
  read: ValueReader<T>;
  fallback: T;
  /** An empty value (`key =`) is read as written instead of meaning the default. */
  emptyIsValue?: boolean;
}

function setting<T>(read: ValueReader<T>, fallback: T, options: { emptyIsValue?: boolean } = {}): Setting<T> {
  return { read, fallback, ...options };
}

const list: ValueReader<string[]> = (value) => configList(value);
const optionalText = setting<string | undefined>(text, undefined);
const seconds = (value: number) => setting(duration, value * 1000);

/** Default `max_body_size`: 1 MiB. */
export const DEFAULT_MAX_BODY_SIZE = 1024 * 1024;

/** Default time `close()` waits for in-flight requests, in milliseconds. */
export const DEFAULT_SHUTDOWN_TIMEOUT = 10_000;

/** Default `request_timeout`, in milliseconds: a slow body is not held for Node's 300 s. */
export const DEFAULT_REQUEST_TIMEOUT = 30_000;

/** Default `headers_timeout`, in milliseconds. */
export const DEFAULT_HEADERS_TIMEOUT = 10_000;

/** Default `health_timeout`, in milliseconds: how long `/health/ready` waits for `select 1`. */
export const DEFAULT_HEALTH_TIMEOUT = 2_000;

/** Transaction isolation levels accepted by `isolation_level`. */
export const ISOLATION_LEVELS = ['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const;

/** `ssl` values; `true` means `require`, `disable` means `false`. */
export const SSL_MODES = ['false', 'true', 'require', 'allow', 'prefer', 'verify-full', 'disable'] as const;

/** The framework's sections and their settings. Durations are in milliseconds. */
export const SETTINGS = {
  apps: {
    active: setting(list, []),
  },
  middlewares: {
    active: setting(list, []),
  },
  networking: {
    host: setting(trimmed, '127.0.0.1'),
    port: setting(port, 8000),
    allowed_hosts: setting<ConfigValue | undefined>(asWritten, undefined, { emptyIsValue: true }),
    max_body_size: setting(size, DEFAULT_MAX_BODY_SIZE),
    shutdown_timeout: setting(duration, DEFAULT_SHUTDOWN_TIMEOUT),
    request_timeout: setting(duration, DEFAULT_REQUEST_TIMEOUT),
    /** Default: {@link DEFAULT_HEADERS_TIMEOUT}, or request_timeout when that is shorter. */
    headers_timeout: setting<number | undefined>(duration, undefined),
    health: setting<string | undefined>(healthPrefix, undefined),
    health_timeout: setting(duration, DEFAULT_HEALTH_TIMEOUT),
    /** Default: on, off under a test runner (see readNetworkingSettings). */
    access_log: setting<boolean | undefined>(yesNo, undefined),
  },
  database: {
    driver: setting<'postgres' | 'pglite' | undefined>(oneOf(['postgres', 'pglite'] as const), undefined),
    url: optionalText,
    /** A URL that reaches PostgreSQL itself, for create_db and migrate when `url` goes through a transaction pooler. */
    direct_url: optionalText,
    /** The host (and/or port) of PostgreSQL itself, with the main connection's database, user and password: instead of `direct_url`. */
    direct_host: setting<string | undefined>(trimmed, undefined),
    direct_port: setting<number | undefined>(port, undefined),
    host: optionalText,
    port: setting(port, 5432),
    name: optionalText,
    username: optionalText,
    password: optionalText,
    path: optionalText,
    isolation_level: setting(oneOf(ISOLATION_LEVELS, (word) => word.toLowerCase().replace(/_/g, ' ')), 'read committed'),
    echo: setting(yesNo, false),
    log_parameters: setting(yesNo, false),
    pool_size: setting(wholeNumber(1), 10),
    pool_timeout: seconds(30),
    connect_timeout: seconds(10),
    reconnect_delay: seconds(0.5),
    idle_timeout: seconds(0),
    max_lifetime: seconds(0),
    statement_timeout: seconds(0),
    transaction_timeout: seconds(60),
    prepare: setting(yesNo, true),
    ssl: setting(oneOf(SSL_MODES), 'false'),
    casing: setting<'snake_case' | 'camelCase' | undefined>(oneOf(['snake_case', 'camelCase'] as const, (word) => word), undefined),
    extensions: setting(nameList(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'extensions = vector, pg_trgm'), []),
    require_migrations: setting(yesNo, false),
    replicas: setting(list, []),
  },
} satisfies Record<string, Record<string, Setting<unknown>>>;

/** A section the framework reads. */
export type FrameworkSection = keyof typeof SETTINGS;

/** The values of a framework section, with defaults filled in. */
export type SectionValues<S extends FrameworkSection> = {
  [K in keyof (typeof SETTINGS)[S]]: (typeof SETTINGS)[S][K] extends Setting<infer T> ? T : never;
};

/** The error code of a bad value, by section. */
const VALUE_ERROR_CODES: Record<FrameworkSection, string> = {
  apps: 'BT_CONFIG_SETTING',
  middlewares: 'BT_CONFIG_SETTING',
  networking: 'BT_NETWORKING_SETTING',
  database: 'BT_DB_SETTING_INVALID',
};

const SECTION_NAMES = Object.keys(SETTINGS) as FrameworkSection[];

/** Where each section and key of a parsed config file is: its line number. */
export type ConfigLines = (section: string, key?: string) => number | undefined;

/** The place of a setting, for messages and error codes. */
export function settingPlace(section: FrameworkSection, key: string, configFile: string): SettingPlace {
  return { label: `${configFile} [${section}] ${key}`, code: VALUE_ERROR_CODES[section] };
}

function read<T>(entry: Setting<T>, value: ConfigValue | undefined, at: SettingPlace): T {
  if (value === undefined || (value === '' && !entry.emptyIsValue)) return entry.fallback;
  return entry.read(value, at);
}

/** Reads one framework setting with its validator; its default when missing or empty. */
export function readSetting<S extends FrameworkSection, K extends keyof SectionValues<S> & string>(
  config: Config,
  section: S,
  key: K,
  configFile = 'config.ini',
): SectionValues<S>[K] {
  const entry = (SETTINGS[section] as Record<string, Setting<unknown>>)[key]!;
  return read(entry, config[section]?.[key], settingPlace(section, key, configFile)) as SectionValues<S>[K];
}

/** Reads a whole framework section: refuses an unknown key, checks every value, fills in defaults. */
export function readSection<S extends FrameworkSection>(config: Config, section: S, configFile = 'config.ini'): SectionValues<S> {
  checkSectionKeys(config, section, configFile);
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS[section])) {
    values[key] = readSetting(config, section, key as keyof SectionValues<S> & string, configFile);
  }
  return values as SectionValues<S>;
}

/**
 * Refuses what is surely a typo: a key the table does not know in a
 * framework section, and a section whose name is one or two letters from a
 * framework section's (`[databse]`, `[Networking]`). Other sections are the
 * apps' own and are left alone. `lines` adds line numbers to the messages.
 */
export function checkConfigSections(config: Config, configFile: string, lines?: ConfigLines): void {
  for (const name of Object.keys(config)) {
    if ((SECTION_NAMES as string[]).includes(name)) {
      checkSectionKeys(config, name as FrameworkSection, configFile, lines);
      continue;
    }
    const meant = closestName(name, SECTION_NAMES);
    if (meant !== undefined) {
      throw new BackendtsError('BT_CONFIG_UNKNOWN_SECTION', `${at(configFile, lines?.(name))}: unknown section [${name}]`, {
        hint: `did you mean [${meant}]? An app's own section needs a name of its own (its app's name, e.g. [accounts]), not one close to the framework's ${SECTION_NAMES.map((known) => `[${known}]`).join(', ')}`,
      });
    }
  }
}

function checkSectionKeys(config: Config, section: FrameworkSection, configFile: string, lines?: ConfigLines): void {
  const known = Object.keys(SETTINGS[section]);
  for (const key of Object.keys(config[section] ?? {})) {
    if (known.includes(key)) continue;
    const meant = closestName(key, known);
    throw new BackendtsError('BT_CONFIG_UNKNOWN_SETTING', `${at(configFile, lines?.(section, key))}: [${section}] has no setting "${key}"`, {
      hint: `${meant !== undefined ? `did you mean "${meant}"? ` : ''}[${section}] settings: ${known.join(', ')}`,
    });
  }
}

function at(configFile: string, line: number | undefined): string {
  return line === undefined ? configFile : `${configFile}:${line}`;
}
