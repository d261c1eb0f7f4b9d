/**
 * Keeps SQL parameter values out of logs: they may hold passwords and
 * e-mails. Drizzle puts them in its "Failed query" message (`params: …`) and
 * in `params`; postgres.js in `parameters` and `args`; PGlite and
 * node-postgres in `params`; PostgreSQL repeats values in `detail`
 * ("Key (username)=(ada) already exists.") and `where` ("JSON data, line 1:
 * …"). Logging gets a redacted copy of the error and its causes; the objects
 * the user holds are left as they are.
 */

const VALUE_KEYS = new Set(['params', 'parameters', 'args']);
/** Fields of a PostgreSQL error (one with a SQLSTATE `code`) that may quote values. */
const SERVER_VALUE_KEYS = new Set(['detail', 'where']);
const HIDDEN = '[redacted: set [database] log_parameters = true to log parameter values]';
/** Drizzle's message ends with "\nparams: " and the values. */
const DRIZZLE_PARAMS = /\nparams: [\s\S]*$/;

/** A copy of `error` (and its `cause` chain) without SQL parameter values; anything else is returned as is. */
export function redactParameters(error: unknown): unknown {
  return redact(error, new Map());
}

function redact(error: unknown, seen: Map<object, object>): unknown {
  if (typeof error !== 'object' || error === null || !(error instanceof Error || 'cause' in error)) return error;
  const done = seen.get(error);
  if (done !== undefined) return done;
  const copy = Object.create(Object.getPrototypeOf(error) as object | null) as Record<string | symbol, unknown>;
  seen.set(error, copy);
  const original = error as Record<string | symbol, unknown>;
  const fromServer = typeof original.code === 'string' && /^[0-9A-Z]{5}$/.test(original.code);
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
    let value = 'value' in descriptor ? descriptor.value : original[key];
    const hidden = typeof key === 'string' && (VALUE_KEYS.has(key) || (fromServer && SERVER_VALUE_KEYS.has(key)));
    if (hidden && value !== undefined) value = HIDDEN;
    else if (key === 'message' || key === 'stack') value = typeof value === 'string' ? value.replace(DRIZZLE_PARAMS, paramsLine) : value;
    else if (key === 'cause') value = redact(value, seen);
    Object.defineProperty(copy, key, { value, enumerable: descriptor.enumerable, writable: true, configurable: true });
  }
  return copy;
}

/** The stack repeats the message, then the frames: keep the frames. */
function paramsLine(match: string): string {
  const frames = match.indexOf('\n    at ');
  return `\nparams: ${HIDDEN}${frames === -1 ? '' : match.slice(frames)}`;
}
