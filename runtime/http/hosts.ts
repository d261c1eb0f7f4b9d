/**
 * `[networking] allowed_hosts`: the Host names the server answers to, as in
 * Backendpy. A request whose `Host` (or `X-Forwarded-Host`, when a proxy sets
 * it) is not allowed gets `disallowed_host` (400).
 *
 * Entries: `*` allows every host; `example.com` allows that name on any port;
 * `example.com:8000` only that port; `*.example.com` (or `.example.com`) any
 * subdomain. Names compare case-insensitively.
 *
 * When the setting is absent, only loopback names are allowed (`localhost`,
 * `127.0.0.1`, `[::1]`, on any port): a new project answers on the developer's
 * machine, and a deployed one refuses foreign Host headers until the real
 * names are listed.
 */
import { configList, type ConfigValue } from '../project/config.js';

/** Decides whether a request's Host header is allowed. */
export type HostCheck = (host: string | undefined, forwardedHost: string | undefined) => boolean;

/** How many distinct Host values a check remembers its answer for. */
const REMEMBERED_HOSTS = 256;

/** Hosts allowed when `allowed_hosts` is not set. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Builds the check for an `allowed_hosts` value (undefined: the loopback default). */
export function createHostCheck(setting: ConfigValue | undefined): HostCheck {
  const entries = setting === undefined ? DEFAULT_ALLOWED_HOSTS : configList(setting).flatMap(splitWords);
  if (entries.includes('*')) return allowAll;
  const exact = new Set<string>();
  const anyPort = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of entries) {
    const entry = raw.toLowerCase();
    if (entry.startsWith('*.') || entry.startsWith('.')) {
      suffixes.push(entry.slice(entry.indexOf('.')));
    } else if (splitPort(entry).port === undefined) {
      anyPort.add(entry);
    } else {
      exact.add(entry);
    }
  }
  const decide = (value: string): boolean => {
    const host = value.toLowerCase();
    if (exact.has(host)) return true;
    const name = splitPort(host).name;
    if (anyPort.has(name)) return true;
    for (const suffix of suffixes) if (name.endsWith(suffix) && name.length > suffix.length) return true;
    return false;
  };
  // A server sees the same few Host values again and again: remember the
  // answers, within a bound so that made-up hosts cannot grow the map.
  const answers = new Map<string, boolean>();
  const allowed = (value: string): boolean => {
    let answer = answers.get(value);
    if (answer === undefined) {
      answer = decide(value);
      if (answers.size >= REMEMBERED_HOSTS) answers.clear();
      answers.set(value, answer);
    }
    return answer;
  };
  return (host, forwardedHost) =>
    host !== undefined && host !== '' && allowed(host) && (forwardedHost === undefined || allowed(firstHost(forwardedHost)));
}

function allowAll(): boolean {
  return true;
}

/** One config line may hold several names separated by spaces. */
function splitWords(item: string): string[] {
  return item.split(/\s+/).filter((word) => word !== '');
}

/** `X-Forwarded-Host` may list every proxy hop; the first is the client's. */
function firstHost(value: string): string {
  const comma = value.indexOf(',');
  return (comma === -1 ? value : value.slice(0, comma)).trim();
}

/** Splits `name:port` (with `[v6]:port` kept whole in the name). */
function splitPort(host: string): { name: string; port: string | undefined } {
  const colon = host.lastIndexOf(':');
  if (colon === -1 || host.endsWith(']') || (host.indexOf(':') !== colon && !host.startsWith('['))) {
    return { name: host, port: undefined };
  }
  return { name: host.slice(0, colon), port: host.slice(colon + 1) };
}
