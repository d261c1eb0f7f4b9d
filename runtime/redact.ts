/**
 * Keeps SQL parameter values out of logs: they may hold passwords and
 * e-mails. Drizzle puts them in its "Failed query" message (`params: …`) and
 * in `params`; postgres.js in `parameters` and `args`; PGlite and
 * node-postgres in `params`; PostgreSQL repeats key values in `detail`
 * ("Key (username)=(ada) already exists."). Logging gets a redacted copy of
 * the error and its causes; the objects the user holds are left as they are.
 */

const VALUE_KEYS = new Set(['params', 'parameters', 'args', 'detail']);
const HIDDEN = '[redacted: set [database] log_parameters = true to log parameter values]';
/** Drizzle's message ends with "\nparams: " and the values. */
const DRIZZLE_PARAMS = /\nparams: [\s\S]*$/;

/** A copy of `error` (and its `cause` chain) without SQL parameter values; anything else is returned as is. */
export function redactParameters(error: unknown, seen = new Map<object, object>()): unknown {
  if (typeof error !== 'object' || error === null || !(error instanceof Error || 'cause' in error)) return error;
  const done = seen.get(error);
  if (done !== undefined) return done;
  const copy = Object.create(Object.getPrototypeOf(error) as object | null) as Record<string | symbol, unknown>;
  seen.set(error, copy);
  const original = error as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
    let value = 'value' in descriptor ? descriptor.value : original[key];
    if (typeof key === 'string' && VALUE_KEYS.has(key) && value !== undefined) value = HIDDEN;
    else if (key === 'message' || key === 'stack') value = typeof value === 'string' ? value.replace(DRIZZLE_PARAMS, paramsLine) : value;
    else if (key === 'cause') value = redactParameters(value, seen);
    Object.defineProperty(copy, key, { value, enumerable: descriptor.enumerable, writable: true, configurable: true });
  }
  return copy;
}

/** The stack repeats the message, then the frames: keep the frames. */
function paramsLine(match: string): string {
  const frames = match.indexOf('\n    at ');
  return `\nparams: ${HIDDEN}${frames === -1 ? '' : match.slice(frames)}`;
}
