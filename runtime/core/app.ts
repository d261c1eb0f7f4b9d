/**
 * An app: one independent part of a project, with its routes, hooks, error
 * codes and the model modules that hold its Drizzle tables. A project lists
 * its active apps in config.ini; each app's main module exports `app`.
 */
import type { Config } from './config-types.js';
import { BackendtsError } from './errors.js';
import type { Routes, Route } from './routes.js';
import type { Hooks } from './hooks.js';
import type { ErrorList } from './error-list.js';
import type { Middleware } from './middlewares.js';

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}

const APP_BRAND = Symbol.for('backendts.app');

/** What an app's `initFunc` receives: the project's config. */
export type InitFunc = (config: Config) => void | Promise<void>;

/** Options of {@link App}; every part is optional. */
export interface AppOptions {
  /** The app's routes: `Routes` collections and/or single `Route` objects. */
  routes?: Iterable<Routes | Route> | Routes;
  /** Event hooks of the app. */
  hooks?: Iterable<Hooks> | Hooks;
  /**
   * Model modules holding the app's Drizzle tables: paths relative to the
   * app's folder (`'./db/models'`), or package specifiers for a packaged app.
   */
  models?: readonly string[];
  /** Error codes the app adds. */
  errors?: Iterable<ErrorList> | ErrorList;
  /** Middlewares the app brings (each may act at the request, handler and response layers). */
  middlewares?: Iterable<Middleware> | Middleware;
  /** Run by `backendts init_project` to set the app up (e.g. create an admin user). */
  initFunc?: InitFunc;
  /** A short name; defaults to the app folder's (or package's) name. */
  name?: string;
}

/** One app of a project. Export it as `app` from the app's main module. */
export class App {
  /** The app's routes, merged into the project's router by `init()`. */
  readonly routes: readonly (Routes | Route)[];
  /** The app's hooks; they run after the project's own, apps in config order. */
  readonly hooks: readonly Hooks[];
  /** Model modules holding the app's Drizzle tables. */
  readonly models: readonly string[];
  /** Error codes the app adds. */
  readonly errors: readonly ErrorList[];
  /** Middlewares the app brings; they run after those of config.ini and `bp.use()`. */
  readonly middlewares: readonly Middleware[];
  /** Run by `backendts init_project`. */
  readonly initFunc: InitFunc | undefined;
  /** The name given, if any. */
  readonly name: string | undefined;

  constructor(options: AppOptions = {}) {
    this.routes = toArray(options.routes);
    this.hooks = toArray(options.hooks);
    this.errors = toArray(options.errors);
    if (options.models !== undefined && (typeof options.models === 'string' || !isIterable(options.models))) {
      // A string would otherwise be spread into single characters.
      throw new BackendtsError('BT_MODELS_NOT_LIST', `App models must be a list of module paths, got ${JSON.stringify(options.models)}`, {
        hint: "write models: ['./db/models']",
      });
    }
    this.models = options.models === undefined ? [] : [...options.models];
    this.middlewares = toArray(options.middlewares);
    this.initFunc = options.initFunc;
    this.name = options.name;
    Object.defineProperty(this, APP_BRAND, { value: true });
  }
}

/** True for an `App`, even one made by another copy of backendts. */
export function isApp(value: unknown): value is App {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APP_BRAND] === true;
}

function toArray<T extends object>(value: Iterable<T> | T | undefined): T[] {
  if (value === undefined) return [];
  // Routes, Hooks, ErrorList and middlewares are not iterable, so anything iterable is a list of them.
  if (Symbol.iterator in value) return [...(value as Iterable<T>)];
  return [value as T];
}
