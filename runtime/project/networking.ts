/**
 * The `[networking]` section: where the server listens, which Host names it
 * answers to, the request body limit, how long a client may take to send a
 * request, and the access log. Checked once, when the project instance is
 * made, so a typo fails at start-up naming the setting.
 */
import type { Config, ConfigValue } from './config.js';
import { BackendtsError } from '../core/errors.js';
import { size } from '../core/setting-values.js';
import { DEFAULT_HEADERS_TIMEOUT, readSection } from './settings-table.js';

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
  /** Path prefix of the health routes (`/health` serves `/health/live` and `/health/ready`); undefined: none. */
  health: string | undefined;
  /** Milliseconds `/health/ready` waits for the database's answer before it says 503; default 2 000. */
  healthTimeout: number;
  /** One log line per request; default on, off when `NODE_ENV=test` or under vitest. */
  accessLog: boolean;
}

export { DEFAULT_HEADERS_TIMEOUT, DEFAULT_HEALTH_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_REQUEST_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT } from './settings-table.js';

/**
 * Reads `[networking]`: an unknown key or a bad value fails naming the file
 * and setting. Durations are seconds or take a unit (`500ms`, `30s`, `5m`).
 */
export function readNetworkingSettings(config: Config, configFile = 'config.ini'): NetworkingSettings {
  const section = readSection(config, 'networking', configFile);
  const requestTimeout = section.request_timeout;
  const headersTimeout = section.headers_timeout ?? Math.min(DEFAULT_HEADERS_TIMEOUT, requestTimeout || Infinity);
  // Node refuses a headers limit longer than the whole request's (0 turns either off).
  if (requestTimeout > 0 && headersTimeout > requestTimeout) {
    throw new BackendtsError(
      'BT_NETWORKING_SETTING',
      `${configFile} [networking] headers_timeout: ${headersTimeout / 1000} s is longer than request_timeout (${requestTimeout / 1000} s)`,
      { hint: 'the headers are part of the request: make headers_timeout at most request_timeout, or set request_timeout = 0 for no limit' },
    );
  }
  return {
    host: section.host,
    port: section.port,
    allowedHosts: section.allowed_hosts,
    maxBodySize: section.max_body_size,
    shutdownTimeout: section.shutdown_timeout,
    requestTimeout,
    headersTimeout,
    health: section.health,
    healthTimeout: section.health_timeout,
    accessLog: section.access_log ?? !underTestRunner(),
  };
}

/** Tests read their own output: the access log would drown it, unless a test turns it on. */
function underTestRunner(): boolean {
  return process.env.NODE_ENV === 'test' || process.env.VITEST !== undefined;
}

/** Reads a size such as `1048576`, `512kb`, `10mb` or `1 GiB` (units are powers of 1024); `where` names it in the error. */
export function parseSize(text: string, where: string): number {
  return size(text, { label: where, code: 'BT_NETWORKING_SETTING' });
}
