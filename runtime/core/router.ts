/**
 * The router. Built once from every route of every app:
 * static paths are looked up in a Map; dynamic paths are compiled to one
 * RegExp each and grouped by their first literal segment, so a request only
 * tries the few patterns that could match it.
 */
import { BackendtsError } from './errors.js';
import { Route, Routes, type CompiledPath, type PatternVar } from './routes.js';

/** The values taken from the path: named groups and pattern variables (`<id:int>` gives a number). */
export type UrlVars = Record<string, string | number>;

/** What `Router.match` finds. */
export type RouteMatch =
  | { route: Route; urlVars: UrlVars; notFound?: undefined; methodNotAllowed?: undefined }
  | { notFound: true; route?: undefined; methodNotAllowed?: undefined }
  | { methodNotAllowed: true; allowed: string[]; route?: undefined; notFound?: undefined };

/** The routes of one app, for {@link Router.fromApps}. */
export interface AppRoutes {
  /** The app's name, used in error messages. */
  name: string;
  /** The app: only its `routes` are read. */
  app: { readonly routes: readonly (Routes | Route)[] };
}

/** All routes sharing one path, by method. */
interface PathEntry {
  readonly compiled: CompiledPath;
  readonly order: number;
  readonly byMethod: Map<string, Route>;
  readonly owners: Map<string, string>;
  allowed: string[];
}

const NOT_FOUND: RouteMatch = Object.freeze({ notFound: true as const });

/** Finds the route of a request. Built once, at start-up, from every route of every app. */
export class Router {
  private readonly byKey = new Map<string, PathEntry>();
  private readonly staticPaths = new Map<string, PathEntry>();
  private readonly bySegment = new Map<string, PathEntry[]>();
  private readonly anySegment: PathEntry[] = [];
  private readonly all: Route[] = [];

  /** A router over `routes` (`Route` objects and `Routes` collections). */
  constructor(routes: Iterable<Routes | Route> = []) {
    this.addAll(routes, undefined);
  }

  /** A router over the routes of several apps, in app order; errors name the apps. */
  static fromApps(apps: Iterable<AppRoutes>): Router {
    const router = new Router();
    for (const { name, app } of apps) router.addAll(app.routes, name);
    return router;
  }

  /** Every route, in the order added. */
  get routes(): readonly Route[] {
    return this.all;
  }

  /**
   * The route for `method` and an already percent-decoded `path` (no query
   * string). A static path wins over a dynamic one; dynamic paths are tried
   * in the order they were added. HEAD falls back to GET. `allowed` lists
   * OPTIONS too, which the request path answers for a path with no OPTIONS
   * route.
   */
  match(method: string, path: string): RouteMatch {
    let allowed: string[] | undefined;
    const entry = this.staticPaths.get(path);
    if (entry !== undefined) {
      const route = pick(entry, method);
      if (route !== undefined) return { route, urlVars: {} };
      allowed = entry.allowed;
    }
    const slash = path.indexOf('/', 1);
    const bucket = slash === -1 ? undefined : this.bySegment.get(path.slice(1, slash));
    const any = this.anySegment;
    // Both lists are in insertion order; walk them merged to keep that order overall.
    let i = 0;
    let j = 0;
    const bucketLength = bucket === undefined ? 0 : bucket.length;
    while (i < bucketLength || j < any.length) {
      let candidate: PathEntry;
      if (j >= any.length || (i < bucketLength && bucket![i]!.order < any[j]!.order)) candidate = bucket![i++]!;
      else candidate = any[j++]!;
      const found = candidate.compiled.regex!.exec(path);
      if (found === null) continue;
      const vars = candidate.compiled.patternVars;
      const urlVars = vars === undefined ? groupVars(found.groups) : patternVars(found, vars);
      if (urlVars === undefined) continue;
      const route = pick(candidate, method);
      if (route !== undefined) return { route, urlVars };
      allowed = allowed === undefined ? candidate.allowed : [...new Set([...allowed, ...candidate.allowed])];
    }
    if (allowed === undefined) return NOT_FOUND;
    // A copy: the caller may change it, and the entry's list is shared.
    return { methodNotAllowed: true, allowed: allowed.includes('OPTIONS') ? [...allowed] : [...allowed, 'OPTIONS'] };
  }

  private addAll(routes: Iterable<Routes | Route>, app: string | undefined): void {
    for (const item of routes) {
      if (item instanceof Routes) {
        for (const route of item.list()) this.add(route, app);
      } else if (item instanceof Route) {
        this.add(item, app);
      } else {
        throw new BackendtsError('BT_ROUTE', `${app === undefined ? 'A route list' : `App "${app}"`} has an entry that is neither a Route nor Routes`, {
          hint: 'list `new Routes()` collections or `new Route(...)` objects in the app\'s routes',
        });
      }
    }
  }

  private add(route: Route, app: string | undefined): void {
    const compiled = route.compiled;
    let entry = this.byKey.get(compiled.key);
    if (entry === undefined) {
      entry = { compiled, order: this.byKey.size, byMethod: new Map(), owners: new Map(), allowed: [] };
      this.byKey.set(compiled.key, entry);
      if (compiled.staticPath !== undefined) this.staticPaths.set(compiled.staticPath, entry);
      else if (compiled.firstSegment !== undefined) {
        const list = this.bySegment.get(compiled.firstSegment) ?? [];
        list.push(entry);
        this.bySegment.set(compiled.firstSegment, list);
      } else this.anySegment.push(entry);
    }
    const owner = describe(route, app);
    for (const method of route.methods) {
      const existing = entry.owners.get(method);
      if (existing !== undefined) {
        throw new BackendtsError('BT_DUPLICATE_ROUTE', `Two routes answer ${method} on the same path: ${existing} and ${owner}`, {
          hint: 'remove one of the routes, or give them different paths or methods',
        });
      }
      entry.byMethod.set(method, route);
      entry.owners.set(method, owner);
    }
    const methods = [...entry.byMethod.keys()];
    if (entry.byMethod.has('GET') && !entry.byMethod.has('HEAD')) methods.push('HEAD');
    entry.allowed = methods;
    this.all.push(route);
  }
}

function pick(entry: PathEntry, method: string): Route | undefined {
  return entry.byMethod.get(method) ?? (method === 'HEAD' ? entry.byMethod.get('GET') : undefined);
}

/** The named groups of a regex match, leaving out groups that took no part. */
function groupVars(groups: Record<string, string | undefined> | undefined): UrlVars {
  const vars: UrlVars = {};
  if (groups === undefined) return vars;
  for (const name in groups) {
    const value = groups[name];
    if (value !== undefined) vars[name] = value;
  }
  return vars;
}

/** The variables of a pattern match, `<x:int>` as numbers; undefined when an int is out of range. */
function patternVars(found: RegExpExecArray, vars: readonly PatternVar[]): UrlVars | undefined {
  const values: UrlVars = {};
  for (let i = 0; i < vars.length; i++) {
    const { name, int } = vars[i]!;
    const text = found[i + 1]!;
    if (int) {
      const number = Number(text);
      if (!Number.isSafeInteger(number)) return undefined;
      values[name] = number;
    } else values[name] = text;
  }
  return values;
}

function describe(route: Route, app: string | undefined): string {
  const parts: string[] = [];
  if (route.options.name !== undefined) parts.push(`route "${route.options.name}"`);
  if (app !== undefined) parts.push(`app "${app}"`);
  return parts.length === 0 ? route.compiled.source : `${route.compiled.source} (${parts.join(' of ')})`;
}
