/**
 * The request a handler receives. Made once per request from the node:http
 * `IncomingMessage`; the query string and cookies are parsed on first use,
 * and the abort signal is made only when someone asks for it.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Backendts } from '../backendts.js';
import { decodePath, parseCookies, parseQuery, splitUrl, type QueryValues } from './url.js';
import type { UrlVars } from './router.js';
import type { Route } from './routes.js';

/** Internal: called by the request path when the client has gone away. */
export const clientGone = Symbol('backendts.clientGone');

/** Internal: when the request arrived (see {@link Request}). */
export const receivedAt = Symbol('backendts.receivedAt');

/** Internal: set by the request path once the request's `success_response` hooks (its commit) started. */
export const committing = Symbol('backendts.committing');

const NO_VARS: UrlVars = Object.freeze({}) as UrlVars;

/** One HTTP request, as handlers, middlewares and hooks see it. */
export class Request {
  /** The project instance serving the request (`request.app.context.db_session()`). */
  readonly app: Backendts;
  /** The request id: the client's `x-request-id` when it is a short token, else one made for it; sent back as `x-request-id`. */
  readonly id: string;
  /** The HTTP method, in upper case. */
  readonly method: string;
  /** The request target as sent: path and query string (`/users?page=2`). */
  readonly url: string;
  /** The percent-decoded path, without the query string. A request middleware may rewrite it before routing. */
  path: string;
  /** The request headers (lower-case names). */
  readonly headers: IncomingHttpHeaders;
  /**
   * The parsed body: JSON value, form object, text, Buffer, or undefined when
   * there is none. Read once the route is known (under its `bodyLimit`), so
   * request middlewares, which run before routing, see it undefined.
   */
  body: unknown = undefined;
  /** Variables taken from the path by the route (`/users/<id:int>` gives `{ id: 42 }`). */
  urlVars: UrlVars = NO_VARS;
  /** The output of the route's data handler; undefined when the route has none. */
  cleanedData: unknown = undefined;
  /** The matched route; undefined before routing, or when no route matched. */
  route: Route | undefined = undefined;
  /** The node:http request. */
  readonly raw: IncomingMessage;
  /** Internal: see {@link committing}. */
  [committing] = false;
  /** Internal: `performance.now()` when the request arrived, for the access log (0 when it is off). */
  [receivedAt] = 0;

  #rawQuery: string;
  #query: QueryValues | undefined;
  #cookies: Record<string, string> | undefined;
  #controller: AbortController | undefined;
  #gone = false;
  #pathError: unknown;

  constructor(app: Backendts, raw: IncomingMessage, id: string) {
    this.app = app;
    this.raw = raw;
    this.id = id;
    this.method = raw.method ?? 'GET';
    this.url = raw.url ?? '/';
    this.headers = raw.headers;
    let split: { path: string; query: string };
    try {
      split = splitUrl(this.url);
    } catch (error) {
      split = { path: this.url, query: '' };
      this.#pathError = error;
    }
    this.#rawQuery = split.query;
    try {
      this.path = decodePath(split.path);
    } catch (error) {
      // Reported by checkPath(), inside the request path, so hooks still run.
      this.path = split.path;
      this.#pathError ??= error;
    }
  }

  /** The query string's values; repeated keys give arrays. */
  get query(): QueryValues {
    return (this.#query ??= parseQuery(this.#rawQuery));
  }

  /** The cookies sent with the request. */
  get cookies(): Record<string, string> {
    return (this.#cookies ??= parseCookies(this.headers.cookie));
  }

  /** Aborted when the client goes away before the response is sent; pass it on to long operations. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#gone) this.#controller.abort(goneReason());
    }
    return this.#controller.signal;
  }

  /** True once the client has gone away. */
  get clientGone(): boolean {
    return this.#gone;
  }

  /** Throws the `bad_request` error of a malformed URL (bad percent-encoding…). */
  checkPath(): void {
    if (this.#pathError !== undefined) throw this.#pathError;
  }

  /** Internal: marks the client as gone and aborts {@link signal}. */
  [clientGone](): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#controller?.abort(goneReason());
  }
}

function goneReason(): Error {
  const error = new Error('the client closed the connection before the response was sent');
  error.name = 'AbortError';
  return error;
}
