/**
 * Routes as apps declare them: `new Routes()` collects them with
 * `get/post/put/patch/delete/route`, and a `Route` can be made on its own for
 * route lists kept in separate files. A route's path is checked when the
 * route is made, so a bad path fails at start-up, naming the path.
 */
import { BackendtsError } from './errors.js';
import type { Request } from './request.js';
import { isStandardSchema } from './data-handler.js';
import type { PathVars } from './path-vars.js';
import type { UrlVars } from './router.js';
import type { HttpResponse } from './responses.js';
import { size } from './setting-values.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** A route path: a pattern (`/users/<id:int>`), a RegExp with named groups, or a regex source starting with `^`. */
export type RoutePath = string | RegExp;

/** A variable of a path pattern. */
export interface PatternVar {
  /** The variable's name. */
  readonly name: string;
  /** True for `<name:int>`: the value becomes a number. */
  readonly int: boolean;
}

/** A path, ready for matching. */
export interface CompiledPath {
  /** The path as written, for messages. */
  readonly source: string;
  /** The exact path when the path has no variables. */
  readonly staticPath: string | undefined;
  /** The RegExp for a dynamic path. */
  readonly regex: RegExp | undefined;
  /** A pattern's variables, in capture order; undefined for a regex (its named groups are read instead). */
  readonly patternVars: readonly PatternVar[] | undefined;
  /** The literal first segment of a dynamic path (`users` for `/users/<id>`), when it has one. */
  readonly firstSegment: string | undefined;
  /** Two paths with the same key match the same requests. */
  readonly key: string;
}

/** Regex fragments of the pattern converters. */
const CONVERTERS: Readonly<Record<string, string>> = {
  str: '([^/]+)',
  int: '(\\d+)',
  path: '(.+)',
};

const VAR_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const REGEX_META = /[\\^$.*+?()[\]{}|]/g;

function invalidPath(source: string, why: string, hint: string): BackendtsError {
  return new BackendtsError('BT_ROUTE_PATH', `Route path ${source} is not valid: ${why}`, { hint });
}

/** Compiles a route path; throws `BT_ROUTE_PATH` naming the path when it is not valid. */
export function compilePath(path: RoutePath): CompiledPath {
  if (path instanceof RegExp) return compileRegex(path.source, path.flags.replace(/[gy]/g, ''), String(path));
  if (typeof path !== 'string') {
    throw invalidPath(String(path), 'it is neither a string nor a RegExp', "write a pattern like '/users/<id:int>' or a RegExp");
  }
  if (path.startsWith('^')) return compileRegex(path, '', JSON.stringify(path));
  return compilePattern(path);
}

function compilePattern(path: string): CompiledPath {
  const source = JSON.stringify(path);
  if (!path.startsWith('/')) {
    throw invalidPath(source, 'it does not start with "/"', `write '/${path}'`);
  }
  let regex = '^';
  let key = '';
  const names = new Set<string>();
  const vars: PatternVar[] = [];
  let at = 0;
  while (at < path.length) {
    const open = path.indexOf('<', at);
    const literal = open === -1 ? path.slice(at) : path.slice(at, open);
    regex += literal.replace(REGEX_META, '\\$&');
    key += literal;
    if (open === -1) break;
    const close = path.indexOf('>', open);
    if (close === -1) throw invalidPath(source, `"<" at position ${open} is never closed`, "write variables as '<name>' or '<name:int>'");
    const [name = '', converter = 'str', extra] = path.slice(open + 1, close).split(':');
    if (extra !== undefined || !VAR_NAME.test(name)) {
      throw invalidPath(source, `"${path.slice(open, close + 1)}" is not a variable`, "write variables as '<name>', '<name:int>', '<name:str>' or '<name:path>'");
    }
    const fragment = CONVERTERS[converter];
    if (fragment === undefined) {
      throw invalidPath(source, `converter "${converter}" is unknown`, 'use one of: str, int, path');
    }
    if (names.has(name)) throw invalidPath(source, `variable "${name}" appears twice`, 'give each variable its own name');
    names.add(name);
    vars.push({ name, int: converter === 'int' });
    // Plain groups, read by position: faster than building a named `groups` object.
    regex += fragment;
    key += `<${converter}>`;
    at = close + 1;
  }
  if (names.size === 0) return staticPath(source, path);
  const second = path.indexOf('/', 1);
  const first = second === -1 ? undefined : path.slice(1, second);
  return {
    source,
    staticPath: undefined,
    regex: new RegExp(regex + '$'),
    patternVars: vars,
    firstSegment: first !== undefined && !first.includes('<') ? first : undefined,
    key,
  };
}

function compileRegex(raw: string, flags: string, source: string): CompiledPath {
  // Python-style named groups, as Backendpy paths are written: (?P<name>…) and (?P=name).
  const body = raw.replace(/\(\?P</g, '(?<').replace(/\(\?P=([A-Za-z_$][\w$]*)\)/g, '\\k<$1>');
  let regex: RegExp;
  try {
    regex = new RegExp(body, flags);
  } catch (error) {
    throw invalidPath(source, (error as Error).message, 'fix the regular expression (named groups: (?<name>…))');
  }
  const literal = flags.includes('i') ? undefined : staticRegexPath(body);
  if (literal !== undefined) return staticPath(source, literal);
  return {
    source,
    staticPath: undefined,
    regex,
    patternVars: undefined,
    firstSegment: flags.includes('i') ? undefined : regexFirstSegment(body),
    key: `regex:${flags}:${body.replace(/\(\?<[A-Za-z_$][\w$]*>/g, '(?<>')}`,
  };
}

function staticPath(source: string, path: string): CompiledPath {
  return { source, staticPath: path, regex: undefined, patternVars: undefined, firstSegment: undefined, key: path };
}

/** `^/hello-world$` matches one path only: return it, so it goes in the static map. */
function staticRegexPath(body: string): string | undefined {
  const match = /^\^((?:[^\\^$.*+?()[\]{}|]|\\[/\-.])*)\$$/.exec(body);
  if (match === null) return undefined;
  const path = match[1]!.replace(/\\(.)/g, '$1');
  return path.startsWith('/') ? path : undefined;
}

/** The literal first segment a regex requires (`users` for `^/users/(?<id>.+)$`), if it surely has one. */
function regexFirstSegment(body: string): string | undefined {
  if (body.includes('|') || !body.startsWith('^/')) return undefined;
  let segment = '';
  for (let i = 2; i < body.length; i++) {
    let ch = body[i]!;
    if (ch === '\\') {
      const next = body[i + 1];
      if (next === undefined || !'/-.'.includes(next)) return undefined;
      ch = next;
      i++;
    } else if ('^$.*+?()[]{}'.includes(ch)) {
      return undefined;
    }
    // A quantifier after this character would make it optional or repeated.
    if ('?*+{'.includes(body[i + 1] ?? '')) return undefined;
    if (ch === '/') return segment === '' ? undefined : segment;
    segment += ch;
  }
  return undefined;
}

/**
 * A request handler: takes the request, returns (or resolves to) a response.
 * `Data` is the type of `request.cleanedData` (the data handler's output),
 * `Vars` that of `request.urlVars` (read from the route's path).
 */
export type Handler<Data = unknown, Vars = UrlVars> = {
  // Method syntax makes the parameter bivariant, so a handler typed for one
  // data handler's output or path still fits in a list of routes (`Route[]`).
  bivariant(request: Request & { cleanedData: Data; urlVars: Vars }): HttpResponse | Promise<HttpResponse>;
}['bivariant'];

/** A data handler's output type (`request.cleanedData`), or `unknown` when there is none. */
export type CleanedData<Schema> = Schema extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<Schema> : unknown;

/** What may be given as a route's data handler: a Standard Schema validator, or nothing. */
export type DataHandler = StandardSchemaV1 | undefined;

/** How the request-scoped database transaction behaves for a route. */
export interface RouteDbOptions {
  /** `'read-write'` (default), `'read-only'`, or `false` to give the route no transaction. */
  transaction?: 'read-write' | 'read-only' | false;
}

/** Options of a route. */
export interface RouteOptions<Schema extends DataHandler = DataHandler> {
  /** A Standard Schema validator; its output becomes `request.cleanedData`. */
  dataHandler?: Schema;
  /** A name for the route, shown in logs and errors. */
  name?: string;
  /** Database options, read by the database layer. */
  db?: RouteDbOptions;
  /**
   * Largest request body this route accepts, in bytes or with a unit
   * (`'10mb'`, `'512kb'`), instead of `[networking] max_body_size`.
   */
  bodyLimit?: number | string;
  /** `false` leaves the route's requests out of the access log (health checks, metrics). */
  accessLog?: boolean;
}

const METHOD = /^[A-Z]+$/;

/**
 * One route: a path, the HTTP methods it answers, its handler and options.
 * `Path` is the path as written, which types `request.urlVars`.
 */
export class Route<Schema extends DataHandler = DataHandler, Path extends RoutePath = RoutePath> {
  /** The path as written: a pattern (`/users/<id:int>`) or a RegExp. */
  readonly path: RoutePath;
  /** The HTTP methods, in upper case. */
  readonly methods: readonly string[];
  /** The handler. (Typed for any path, so that routes of different paths fit in one list.) */
  readonly handler: Handler<CleanedData<Schema>>;
  /** The route's options. */
  readonly options: RouteOptions<Schema>;
  /** The path, compiled for the router. */
  readonly compiled: CompiledPath;
  /** `options.bodyLimit` in bytes; undefined: `[networking] max_body_size` applies. */
  readonly bodyLimit: number | undefined;

  constructor(
    path: Path,
    methods: string | readonly string[],
    handler: Handler<CleanedData<Schema>, PathVars<Path>>,
    options: RouteOptions<Schema> = {},
  ) {
    this.compiled = compilePath(path);
    this.path = path;
    const list = (typeof methods === 'string' ? [methods] : [...methods]).map((m) => String(m).toUpperCase());
    if (list.length === 0 || list.some((m) => !METHOD.test(m))) {
      throw new BackendtsError('BT_ROUTE_METHOD', `Route ${this.compiled.source} has invalid methods: ${JSON.stringify(methods)}`, {
        hint: "give one or more HTTP methods, e.g. ['GET', 'POST']",
      });
    }
    if (typeof handler !== 'function') {
      throw new BackendtsError('BT_ROUTE_HANDLER', `Route ${list.join(',')} ${this.compiled.source} has no handler function`, {
        hint: 'pass a function (request) => HttpResponse as the handler',
      });
    }
    if (options.dataHandler !== undefined && !isStandardSchema(options.dataHandler)) {
      throw new BackendtsError('BT_ROUTE_DATA_HANDLER', `Route ${list.join(',')} ${this.compiled.source}: dataHandler is not a Standard Schema validator`, {
        hint: 'pass a zod, valibot or arktype schema, or any object with a `~standard` property (Standard Schema V1)',
      });
    }
    this.bodyLimit = options.bodyLimit === undefined ? undefined : readBodyLimit(options.bodyLimit, `Route ${list.join(',')} ${this.compiled.source}`);
    this.methods = [...new Set(list)];
    this.handler = handler as Handler<CleanedData<Schema>>;
    this.options = options;
  }
}

/** A route's `bodyLimit`, read by the same rule as `[networking] max_body_size`. */
function readBodyLimit(limit: number | string, route: string): number {
  const written = typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0 ? String(limit) : limit;
  if (typeof written !== 'string') {
    throw new BackendtsError('BT_ROUTE_BODY_LIMIT', `${route}: bodyLimit ${String(limit)} is not a size`, {
      hint: "give a whole number of bytes or a size with a unit, e.g. bodyLimit: '10mb'",
    });
  }
  return size(written, { label: `${route}: bodyLimit`, code: 'BT_ROUTE_BODY_LIMIT' });
}

/** A collection of routes, as an app declares them. */
export class Routes {
  private readonly items: Route[] = [];

  /** Adds a GET route. */
  get<Schema extends DataHandler = undefined, Path extends RoutePath = RoutePath>(
    path: Path,
    handler: Handler<CleanedData<Schema>, PathVars<Path>>,
    options?: RouteOptions<Schema>,
  ): this {
    return this.route(path, 'GET', handler, options);
  }

  /** Adds a POST route. */
  post<Schema extends DataHandler = undefined, Path extends RoutePath = RoutePath>(
    path: Path,
    handler: Handler<CleanedData<Schema>, PathVars<Path>>,
    options?: RouteOptions<Schema>,
  ): this {
    return this.route(path, 'POST', handler, options);
  }

  /** Adds a PUT route. */
  put<Schema extends DataHandler = undefined, Path extends RoutePath = RoutePath>(
    path: Path,
    handler: Handler<CleanedData<Schema>, PathVars<Path>>,
    options?: RouteOptions<Schema>,
  ): this {
    return this.route(path, 'PUT', handler, options);
  }

  /** Adds a PATCH route. */
  patch<Schema extends DataHandler = undefined, Path extends RoutePath = RoutePath>(
    path: Path,
    handler: Handler<CleanedData<Schema>, PathVars<Path>>,
    options?: RouteOptions<Schema>,
  ): this {
    return this.route(path, 'PATCH', handler, options);
  }

  /** Adds a DELETE route. */
  delete<Schema extends DataHandler = undefined, Path extends RoutePath = RoutePath>(
    path: Path,
    handler: Handler<CleanedData<Schema>, PathVars<Path>>,
    options?: RouteOptions<Schema>,
  ): this {
    return this.route(path, 'DELETE', handler, options);
  }

  /** Adds a route answering one or several methods. */
  route<Schema extends DataHandler = undefined, Path extends RoutePath = RoutePath>(
    path: Path,
    methods: string | readonly string[],
    handler: Handler<CleanedData<Schema>, PathVars<Path>>,
    options?: RouteOptions<Schema>,
  ): this {
    this.items.push(new Route<Schema, Path>(path, methods, handler, options) as Route);
    return this;
  }

  /** Adds routes made elsewhere (e.g. a list kept in another file). */
  add(...routes: Route[]): this {
    this.items.push(...routes);
    return this;
  }

  /** The routes, in the order they were added. */
  list(): Route[] {
    return [...this.items];
  }
}

