/**
 * What a request target and its headers carry, read without I/O: the path
 * (percent-decoding), the query string and cookies. Anything a client can
 * get wrong ends as an `ExceptionResponse` (a 4xx), never as a crash.
 */
import { parse as parseQueryString } from 'node:querystring';
import { ExceptionResponse } from './error-list.js';

/** Query string or form values: repeated keys give arrays. */
export type QueryValues = Record<string, string | string[]>;

/** A URL split into its path and query string. */
export interface SplitUrl {
  /** The path, still percent-encoded. */
  path: string;
  /** The query string without `?` (empty when none). */
  query: string;
}

/** Splits a request target (`/a/b?x=1`) into path and query string. */
export function splitUrl(url: string): SplitUrl {
  if (!url.startsWith('/')) return splitAbsoluteUrl(url);
  const mark = url.indexOf('?');
  if (mark === -1) return { path: url, query: '' };
  return { path: url.slice(0, mark), query: url.slice(mark + 1) };
}

function splitAbsoluteUrl(url: string): SplitUrl {
  // The absolute form (`http://host/path`) is what clients send to proxies.
  try {
    const parsed = new URL(url);
    return { path: parsed.pathname, query: parsed.search.slice(1) };
  } catch {
    throw new ExceptionResponse('bad_request', { message: 'The request target is not a valid URL.' });
  }
}

/** Percent-decodes a path; malformed encoding is a `bad_request` (400). */
export function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    throw new ExceptionResponse('bad_request', { message: 'The URL path has invalid percent-encoding.' });
  }
}

/**
 * Parses a query string (without `?`) into an object; repeated keys give
 * arrays, `+` is a space; a malformed escape never fails (it decodes to U+FFFD).
 */
export function parseQuery(query: string): QueryValues {
  // node:querystring returns a prototype-less object: `__proto__` is just a key.
  return parseQueryString(query, '&', '=', { maxKeys: 1000 }) as QueryValues;
}

/** Parses a `Cookie` header into an object; the first cookie of a name wins. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  if (header === undefined || header === '') return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (name === '' || name in cookies) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    cookies[name] = value.includes('%') ? safeDecode(value) : value;
  }
  return cookies;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
