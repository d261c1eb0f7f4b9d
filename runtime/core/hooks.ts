/**
 * Events and their hooks. `bp.event(name, fn)` and an app's
 * `new Hooks().event(name, fn)` register handlers; the runner keeps one array
 * per event, built when a handler is registered, so the request path only
 * reads an array (and skips the await entirely when it is empty).
 */
import type { Backendts } from '../backendts.js';
import type { Request } from './request.js';
import type { HttpResponse } from './responses.js';

/** Where a server listens. */
export interface ListeningAddress {
  host: string;
  port: number;
  /** `http://host:port`, ready to print or fetch. */
  url: string;
}

/**
 * What each event's handlers receive. Open to declaration merging, so a
 * project can type its custom events:
 * `declare module 'backendts' { interface EventArgsMap { user_created: { user: User } } }`.
 */
export interface EventArgsMap {
  startup: { bp: Backendts };
  listening: { bp: Backendts } & ListeningAddress;
  shutdown: { bp: Backendts };
  request_start: { request: Request };
  success_response: { request: Request; response: HttpResponse };
  exception_response: { request: Request; error: unknown; response: HttpResponse };
  request_end: { request: Request; response?: HttpResponse | undefined; error?: unknown };
}

/** Arguments of an event not declared in {@link EventArgsMap}. */
export type CustomEventArgs = Record<string, any>;

/** The arguments a handler of event `N` receives. */
export type EventArgs<N extends string> = N extends keyof EventArgsMap ? EventArgsMap[N] : CustomEventArgs;

/** An event handler: gets the event's arguments; may be async. */
export type EventHandler<A = any> = (args: A) => void | Promise<void>;

/** The events the framework itself fires. */
export const BUILTIN_EVENTS = [
  'startup',
  'listening',
  'shutdown',
  'request_start',
  'request_end',
  'success_response',
  'exception_response',
] as const;

/** A set of event handlers, given to an app as `new App({ hooks })`. */
export class Hooks {
  readonly #handlers = new Map<string, EventHandler[]>();

  /** Registers `fn` for event `name`; handlers of one event run in registration order. */
  event<N extends string>(name: N, fn: EventHandler<EventArgs<N>>): this {
    checkHandler(name, fn);
    const list = this.#handlers.get(name);
    if (list) list.push(fn as EventHandler);
    else this.#handlers.set(name, [fn as EventHandler]);
    return this;
  }

  /** The handlers registered for `name`, in order. */
  handlers(name: string): readonly EventHandler[] {
    return this.#handlers.get(name) ?? [];
  }

  /** The names of the events that have handlers. */
  events(): string[] {
    return [...this.#handlers.keys()];
  }
}

function checkHandler(name: unknown, fn: unknown): void {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`an event name must be a non-empty string, got ${String(name)}`);
  }
  if (typeof fn !== 'function') {
    throw new TypeError(`the handler of event "${name}" must be a function, got ${typeof fn}`);
  }
}

const EMPTY: readonly EventHandler[] = Object.freeze([]);

/**
 * The merged hooks of a project: the instance's own (`bp.event`) first, then
 * each app's in config order. Internal to the runtime.
 */
export class HookRunner {
  readonly #own = new Hooks();
  #apps: readonly Hooks[] = [];
  #merged = new Map<string, readonly EventHandler[]>();

  /** Registers one of the instance's own handlers. */
  add(name: string, fn: EventHandler): void {
    this.#own.event(name, fn);
    this.#rebuild();
  }

  /** Sets the apps' hooks, in config order. */
  setApps(hooks: readonly Hooks[]): void {
    this.#apps = hooks;
    this.#rebuild();
  }

  /** The handlers of `name` in run order; an empty frozen array when none. */
  list(name: string): readonly EventHandler[] {
    return this.#merged.get(name) ?? EMPTY;
  }

  /** Runs the handlers of `name` one after another; the first failure stops the rest and is thrown. */
  async run(name: string, args: unknown): Promise<void> {
    await runEach(this.list(name), args);
  }

  #rebuild(): void {
    const merged = new Map<string, EventHandler[]>();
    for (const hooks of [this.#own, ...this.#apps]) {
      for (const name of hooks.events()) {
        const list = merged.get(name);
        if (list) list.push(...hooks.handlers(name));
        else merged.set(name, [...hooks.handlers(name)]);
      }
    }
    this.#merged = merged;
  }
}

/**
 * Runs handlers in order; the first that throws stops the rest. Returns a
 * promise only once a handler returned one: synchronous hooks cost no tick.
 */
export function runEach(handlers: readonly EventHandler[], args: unknown): void | Promise<void> {
  for (let i = 0; i < handlers.length; i++) {
    const result = handlers[i]!(args);
    if (isPromiseLike(result)) return finishEach(handlers, args, i + 1, result);
  }
  return undefined;
}

async function finishEach(handlers: readonly EventHandler[], args: unknown, from: number, pending: PromiseLike<void>): Promise<void> {
  await pending;
  for (let i = from; i < handlers.length; i++) {
    const result = handlers[i]!(args);
    if (isPromiseLike(result)) await result;
  }
}

/**
 * Runs every handler even when some throw (clean-up events: every handler
 * must get its chance, e.g. a rollback after a failed logger); returns the
 * errors in order, as a promise only once a handler returned one.
 */
export function runAll(handlers: readonly EventHandler[], args: unknown): readonly unknown[] | Promise<readonly unknown[]> {
  let errors: unknown[] | undefined;
  for (let i = 0; i < handlers.length; i++) {
    try {
      const result = handlers[i]!(args);
      if (isPromiseLike(result)) return finishAll(handlers, args, i + 1, result, errors ?? []);
    } catch (error) {
      (errors ??= []).push(error);
    }
  }
  return errors ?? EMPTY;
}

async function finishAll(
  handlers: readonly EventHandler[],
  args: unknown,
  from: number,
  pending: PromiseLike<void>,
  errors: unknown[],
): Promise<readonly unknown[]> {
  try {
    await pending;
  } catch (error) {
    errors.push(error);
  }
  for (let i = from; i < handlers.length; i++) {
    try {
      const result = handlers[i]!(args);
      if (isPromiseLike(result)) await result;
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}

/** True for a promise or any other thenable: something to wait for. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return value !== undefined && value !== null && typeof (value as PromiseLike<T>).then === 'function';
}
