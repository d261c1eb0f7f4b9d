/**
 * The `[networking]` section: where the server listens, which Host names it
 * answers to, the request body limit and how long a client may take to send
 * a request. Checked once, when the project
 * instance is made, so a typo fails at start-up naming the setting.
 */
import type { Config, ConfigValue } from './config.js';
import { BackendtsError } from './errors.js';

/** The `[networking]` section, checked, with defaults filled in. */
export interface NetworkingSettings {
  /** Interface to listen on; default `127.0.0.1`. */
  host: string;
  /** Port to listen on; default 8000 (0 picks a free port). */
  port: number;
  /** `allowed_hosts` as written (undefined when absent: loopback names only). */
  allowedHosts: ConfigValue | undefined;
  /** Largest request body accepted, in bytes; default 1 MiB. */
  maxBodySize: number;
  /** Milliseconds `close()` waits for in-flight requests; default 10 000. */
  shutdownTimeout: number;
  /** Milliseconds a client may take to send a whole request (headers and body); default 30 000; 0 is no limit. */
  requestTimeout: number;
  /** Milliseconds a client may take to send the headers; default 10 000; 0 is no limit. */
  headersTimeout: number;
}

/** Default `max_body_size`: 1 MiB. */
export const DEFAULT_MAX_BODY_SIZE = 1024 * 1024;

/** Default time `close()` waits for in-flight requests, in milliseconds. */
export const DEFAULT_SHUTDOWN_TIMEOUT = 10_000;

/** Default `request_timeout`, in milliseconds: a slow body is not held for Node's 300 s. */
export const DEFAULT_REQUEST_TIMEOUT = 30_000;

/** Default `headers_timeout`, in milliseconds. */
export const DEFAULT_HEADERS_TIMEOUT = 10_000;

/**
 * Reads `[networking]`; a bad value fails naming the file and setting. Other
 * keys are left alone, for tools that keep their own settings there.
 */
export function readNetworkingSettings(config: Config, configFile = 'config.ini'): NetworkingSettings {
  const section = config.networking ?? {};
  const where = (key: string) => `${configFile} [networking] ${key}`;
  const host = single(section.host, where('host')) ?? '127.0.0.1';
  const portText = single(section.port, where('port'));
  const port = portText === undefined ? 8000 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || portText?.trim() === '') {
    throw new BackendtsError('BT_NETWORKING_SETTING', `${where('port')}: "${portText}" is not a port number`, {
      hint: 'use a number from 0 to 65535 (0 picks a free port)',
    });
  }
  const sizeText = single(section.max_body_size, where('max_body_size'));
  const maxBodySize = sizeText === undefined ? DEFAULT_MAX_BODY_SIZE : parseSize(sizeText, where('max_body_size'));
  const duration = (key: string, fallback: number): number => {
    const text = single(section[key], where(key));
    return text === undefined ? fallback : parseSeconds(text, where(key));
  };
  const shutdownTimeout = duration('shutdown_timeout', DEFAULT_SHUTDOWN_TIMEOUT);
  const requestTimeout = duration('request_timeout', DEFAULT_REQUEST_TIMEOUT);
  const headersTimeout = duration('headers_timeout', Math.min(DEFAULT_HEADERS_TIMEOUT, requestTimeout || Infinity));
  // Node refuses a headers limit longer than the whole request's (0 turns either off).
  if (requestTimeout > 0 && headersTimeout > requestTimeout) {
    throw new BackendtsError(
      'BT_NETWORKING_SETTING',
      `${where('headers_timeout')}: ${headersTimeout / 1000} s is longer than request_timeout (${requestTimeout / 1000} s)`,
      { hint: 'the headers are part of the request: make headers_timeout at most request_timeout, or set request_timeout = 0 for no limit' },
    );
  }
  return { host, port, allowedHosts: section.allowed_hosts, maxBodySize, shutdownTimeout, requestTimeout, headersTimeout };
}

function single(value: ConfigValue | undefined, where: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new BackendtsError('BT_NETWORKING_SETTING', `${where}: expected one value, got ${JSON.stringify(value)}`, {
      hint: 'write the value on the same line as the key',
    });
  }
  return value.trim();
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;
const UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** Reads a size such as `1048576`, `512kb`, `10mb` or `1 GiB` (units are powers of 1024). */
export function parseSize(text: string, where: string): number {
  const match = SIZE.exec(text.trim());
  if (!match) {
    throw new BackendtsError('BT_NETWORKING_SETTING', `${where}: "${text}" is not a size`, {
      hint: 'write bytes (1048576) or a number with a unit: 512kb, 10mb, 1gb',
    });
  }
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!);
}

/** Reads a number of seconds (`10`, `0.5`) into milliseconds. */
function parseSeconds(text: string, where: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0 || text === '') {
    throw new BackendtsError('BT_NETWORKING_SETTING', `${where}: "${text}" is not a number of seconds`, {
      hint: 'write a number of seconds, e.g. 10',
    });
  }
  return seconds * 1000;
}
