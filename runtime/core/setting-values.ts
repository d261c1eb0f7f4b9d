/**
 * The validators every setting goes through: config.ini's framework sections
 * (`[networking]`, `[database]`, ...) and the CLI's flags read their values
 * with these, so one kind of value (a duration, a port, a yes/no) follows
 * one rule everywhere. A bad value fails naming the place it came from.
 */
import type { ConfigValue } from './config-types.js';
import { BackendtsError } from './errors.js';

/** Where a value comes from, for messages: `config.ini [networking] port`, or `--port`. */
export interface SettingPlace {
  /** Names the file, section and key (or the flag). */
  label: string;
  /** The error code of a bad value there (`BT_NETWORKING_SETTING`, `BT_DB_SETTING_INVALID`, `BT_CLI_OPTION`). */
  code: string;
}

/** Reads one value that is present (not missing, not empty) into a `T`; fails naming `at`. */
export type ValueReader<T> = (value: ConfigValue, at: SettingPlace) => T;

/** Longest timer Node keeps (2^31 - 1 ms, about 24.8 days); a longer one would fire at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

function invalid(at: SettingPlace, what: string, hint: string): BackendtsError {
  return new BackendtsError(at.code, `${at.label}: ${what}`, { hint });
}

/** One value written on the key's line, exactly as written (a password may end in a space); a list or a bare flag is refused. */
export const text: ValueReader<string> = (value, at) => {
  if (typeof value !== 'string') {
    throw invalid(at, `expected one value, got ${JSON.stringify(value)}`, 'write the value on the same line as the key');
  }
  return value;
};

/** One value without the spaces around it (a host name). */
export const trimmed: ValueReader<string> = (value, at) => text(value, at).trim();

/** `true`/`false`, also `yes`/`no`, `on`/`off`, `1`/`0`. */
export const yesNo: ValueReader<boolean> = (value, at) => {
  if (typeof value === 'boolean') return value;
  const word = trimmed(value, at).toLowerCase();
  if (['1', 'yes', 'on', 'true'].includes(word)) return true;
  if (['0', 'no', 'off', 'false'].includes(word)) return false;
  throw invalid(at, `"${word}" is not a yes/no value`, 'write true or false');
};

/** A whole number from `min` up to `max`. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): ValueReader<number> {
  return (value, at) => {
    const written = trimmed(value, at);
    const n = /^[+-]?\d+$/.test(written) ? Number(written) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
      throw invalid(at, `"${written}" is not a whole number ${range}`, `write a whole number ${range}`);
    }
    return n;
  };
}

/** A TCP port, 0 to 65535 (0 picks a free one). */
export const port: ValueReader<number> = (value, at) => {
  const written = trimmed(value, at);
  const n = /^\d+$/.test(written) ? Number(written) : Number.NaN;
  if (!Number.isInteger(n) || n > 65535) {
    throw invalid(at, `"${written}" is not a port number`, 'use a number from 0 to 65535 (0 picks a free port)');
  }
  return n;
};

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/i;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration, in milliseconds: a number of seconds (`10`, `0.5`), or a
 * number with a unit (`500ms`, `30s`, `5m`, `1h`). Never negative; at most
 * {@link MAX_DURATION_MS}. What 0 means (no limit, at once) is the setting's.
 */
export const duration: ValueReader<number> = (value, at) => {
  const written = trimmed(value, at);
  const match = DURATION.exec(written);
  if (!match) {
    throw invalid(at, `"${written}" is not a duration`, 'write a number of seconds (10, 0.5) or a number with a unit: 500ms, 30s, 5m, 1h');
  }
  const ms = Number(match[1]) * DURATION_UNITS[(match[2] ?? 's').toLowerCase()]!;
  if (ms > MAX_DURATION_MS) {
    throw invalid(at, `"${written}" is longer than the longest timer (about 24 days)`, 'write a shorter duration, or 0 where the setting takes 0 as no limit');
  }
  return Math.round(ms * 1000) / 1000;
};

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;
const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** A size in bytes: `1048576`, or with a 1024-based unit (`512kb`, `10mb`, `1 GiB`). */
export const size: ValueReader<number> = (value, at) => {
  const written = trimmed(value, at);
  const match = SIZE.exec(written);
  if (!match) {
    throw invalid(at, `"${written}" is not a size`, 'write bytes (1048576) or a number with a unit: 512kb, 10mb, 1gb');
  }
  return Math.floor(Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()]!);
};

/** One of `choices`, compared after `normalize` (lower case by default). */
export function oneOf<T extends string>(choices: readonly T[], normalize = (word: string) => word.toLowerCase()): ValueReader<T> {
  return (value, at) => {
    const written = typeof value === 'boolean' ? String(value) : trimmed(value, at);
    const word = normalize(written);
    if (!(choices as readonly string[]).includes(word)) {
      throw invalid(at, `"${written}" is not known`, `use one of: ${choices.join(', ')}`);
    }
    return word as T;
  };
}

/** The value as written (text, a list or a flag), for settings read later (`allowed_hosts`). */
export const asWritten: ValueReader<ConfigValue> = (value) => value;

/** Reads a setting as a list: a list stays a list, text is one item a comma or line, nothing is empty. */
export function configList(value: ConfigValue | undefined): string[] {
  if (value === undefined || value === false || value === '') return [];
  if (Array.isArray(value)) return value.filter((item) => item !== '');
  if (value === true) return [];
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A list of names (`vector, pg_trgm`, or one a line) each matching `pattern`; each kept once. */
export function nameList(pattern: RegExp, example: string): ValueReader<string[]> {
  return (value, at) => {
    if (typeof value === 'boolean') throw invalid(at, `${String(value)} is not a list`, `write ${example} (or one name a line)`);
    const names = configList(value);
    for (const name of names) {
      if (!pattern.test(name)) throw invalid(at, `"${name}" is not a valid name`, `write ${example} (names separated by commas, or one a line)`);
    }
    return [...new Set(names)];
  };
}

/** A path prefix for the health routes (`/health`): starts with `/`, no trailing `/`, no spaces or pattern characters. */
export const healthPrefix: ValueReader<string> = (value, at) => {
  const written = trimmed(value, at);
  const prefix = written.replace(/\/+$/, '');
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix)) {
    throw invalid(at, `"${written}" is not a path prefix`, 'write a path such as /health (the routes are then /health/live and /health/ready)');
  }
  return prefix;
};
