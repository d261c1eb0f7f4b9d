/**
 * Middlewares at Backendpy's three layers. A middleware is an object with any
 * of three methods:
 * - `processRequest(request)` runs before routing; it may change the request,
 *   or return an `HttpResponse` to answer at once (the handler is skipped);
 * - `processHandler(request, handler)` runs once the route is known and
 *   returns the handler to call (the same one, a wrapper, or another);
 * - `processResponse(request, response)` runs on the handler's response and
 *   returns the response to send.
 * Any of them may throw an `ExceptionResponse` to answer with an error.
 *
 * Order: request and handler layers run in list order; the response layer in
 * reverse order, so the first middleware sees the request first and the
 * response last.
 */
import type { Request } from './request.js';
import type { HttpResponse } from './responses.js';
import type { Handler } from './routes.js';

/** A middleware: any of the three layers' methods. */
export interface Middleware {
  /** Before routing: change the request, or return a response to answer at once. */
  processRequest?(request: Request): void | HttpResponse | undefined | Promise<void | HttpResponse | undefined>;
  /** Once the route is known: return the handler to call. */
  processHandler?(request: Request, handler: Handler): Handler | Promise<Handler>;
  /** After the handler: return the response to send. */
  processResponse?(request: Request, response: HttpResponse): HttpResponse | Promise<HttpResponse>;
}

/** The middlewares of a project, split by layer, each in run order. */
export interface MiddlewareChain {
  request: readonly Middleware[];
  handler: readonly Middleware[];
  /** Already reversed: run in array order. */
  response: readonly Middleware[];
}

/** Splits middlewares (in list order) into the three layers' run orders. */
export function buildMiddlewareChain(middlewares: readonly Middleware[]): MiddlewareChain {
  return {
    request: middlewares.filter((m) => typeof m.processRequest === 'function'),
    handler: middlewares.filter((m) => typeof m.processHandler === 'function'),
    response: middlewares.filter((m) => typeof m.processResponse === 'function').reverse(),
  };
}

/** Runs the request layer; returns the first response a middleware answers with. */
export async function runRequestMiddlewares(chain: MiddlewareChain, request: Request): Promise<HttpResponse | undefined> {
  for (const middleware of chain.request) {
    const response = await middleware.processRequest!(request);
    if (response !== undefined && response !== null) return response as HttpResponse;
  }
  return undefined;
}

/** Runs the handler layer; returns the handler to call. */
export async function runHandlerMiddlewares(chain: MiddlewareChain, request: Request, handler: Handler): Promise<Handler> {
  let current = handler;
  for (const middleware of chain.handler) {
    current = await middleware.processHandler!(request, current);
    if (typeof current !== 'function') {
      throw new TypeError(`a middleware's processHandler returned ${typeof current} instead of a handler function`);
    }
  }
  return current;
}

/** Runs the response layer; returns the response to send. */
export async function runResponseMiddlewares(chain: MiddlewareChain, request: Request, response: HttpResponse): Promise<HttpResponse> {
  let current = response;
  for (const middleware of chain.response) {
    current = await middleware.processResponse!(request, current);
    if (current === undefined || current === null) {
      throw new TypeError("a middleware's processResponse returned nothing instead of a response");
    }
  }
  return current;
}

/** True for a value usable as a middleware. */
export function isMiddleware(value: unknown): value is Middleware {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.processRequest === 'function' ||
    typeof m.processHandler === 'function' ||
    typeof m.processResponse === 'function'
  );
}
