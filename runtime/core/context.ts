import { BackendtsError } from './errors.js';

/**
 * The project's shared resources, reached as `bp.context` (and from a handler
 * as `request.app.context`). It starts empty; whoever fills it declares the
 * keys by declaration merging, so every use is typed:
 *
 * ```ts
 * declare module 'backendts' {
 *   interface Context { cache: Map<string, string> }
 * }
 * bp.event('startup', () => { bp.context.cache = new Map(); });
 * ```
 *
 * `backendts/db` adds `db_engine` and `db_session` this way. Reading either
 * before it is set throws a {@link BackendtsError} that says what sets it.
 */
export interface Context {}

/**
 * Keys that the database wiring (`setDatabaseHooks` from `backendts/db`)
 * sets on startup. Named here, as text only, so that reading one in a
 * project that never wired a database is a clear error rather than
 * `undefined is not a function`.
 */
const DATABASE_KEYS = ['db_engine', 'db_session'] as const;

/** A new, empty context for the project in `projectDir`. */
export function createContext(projectDir: string): Context {
  const context = {} as Context;
  for (const key of DATABASE_KEYS) {
    setPendingKey(
      context,
      key,
      () =>
        new BackendtsError('BT_CONTEXT_UNSET', `bp.context.${key} is not set in ${projectDir}: no database is wired into the project`, {
          hint: "call setDatabaseHooks(bp) (from 'backendts/db') in the main module, right after new Backendts(...)",
        }),
    );
  }
  return context;
}

/**
 * Makes reading `key` of `context` throw `error()` until a value is
 * assigned to it; the assignment turns the key into a plain property, so
 * reads cost nothing more afterwards.
 */
export function setPendingKey(context: object, key: string, error: () => Error): void {
  Object.defineProperty(context, key, {
    configurable: true,
    enumerable: false,
    get() {
      throw error();
    },
    set(value: unknown) {
      Object.defineProperty(context, key, { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

/** True when `key` of `context` holds a value (a pending key does not). */
export function hasContextValue(context: object, key: string): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(context, key);
  return descriptor !== undefined && 'value' in descriptor && descriptor.value !== undefined;
}
