/**
 * The per-request path, top to bottom:
 *
 *   receive → request_start → allowed host → request middlewares → route
 *   → body (under the route's limit) → data handler → handler middlewares
 *   → handler → response middlewares → success_response
 *   (or: error response → response middlewares → exception_response)
 *   → send → access log → request_end
 *
 * The body is read only once a route matched: a 404, a 405 or an automatic
 * OPTIONS answer never buffers one.
 *
 * Whatever happens, the client gets one response (unless it left) and
 * `request_end` runs exactly once, after the response was sent, the send
 * failed, or the client went away. Nothing thrown here escapes to node:http.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backendts } from '../backendts.js';
import type { CurrentRequest } from './current-request.js';
import { ExceptionResponse, isExceptionResponse, predefinedErrors } from '../core/error-list.js';
import type { ErrorRegistry } from '../core/error-registry.js';
import { isPromiseLike, runAll, runEach, type HookRunner } from '../core/hooks.js';
import type { HostCheck } from './hosts.js';
import {
  runHandlerMiddlewares,
  runRequestMiddlewares,
  runResponseMiddlewares,
  type MiddlewareChain,
} from '../core/middlewares.js';
import { readBody } from './body.js';
import { asClientFault } from '../db/faults.js';
import { isBackendtsError } from '../core/errors.js';
import { collectInput, validateData } from '../core/data-handler.js';
import type { Logger } from '../core/logger.js';
import { clientGone, committing, receivedAt, Request } from '../core/request.js';
import type { RequestIds } from '../core/request-id.js';
import { HttpResponse } from '../core/responses.js';
import { startResponse, writeResponse } from './write-response.js';
import type { Route } from '../core/routes.js';
import type { Router } from '../core/router.js';
import type { InFlightRequests } from './server.js';

/** What the request path needs from the project instance, built once by `init()`. */
export interface Runtime {
  bp: Backendts;
  router: Router;
  errors: ErrorRegistry;
  hooks: HookRunner;
  middlewares: MiddlewareChain;
  hostCheck: HostCheck;
  maxBodySize: number;
  logger: Logger;
  /** `[networking] access_log`. */
  accessLog: boolean;
  requestIds: RequestIds;
  current: CurrentRequest;
  inFlight: InFlightRequests;
  /** True once `close()` was called: responses then ask clients to close their connection. */
  closing: () => boolean;
}

const HEAD = Object.freeze({ head: true });

/**
 * What a step of the path returns: its result, or a promise of it when the
 * step had to wait. Steps that return plain values keep a request that never
 * waits (no body, synchronous hooks and handler) free of promises: every
 * promise, and every await, costs a share of each request.
 */
type Step<T> = T | Promise<T>;

/** Calls `next` with the step's result, at once when it is already there. */
function then<T, U>(step: Step<T> | PromiseLike<T>, next: (value: T) => Step<U>): Step<U> {
  return isPromiseLike(step) ? Promise.resolve(step).then(next) : next(step);
}

/** Handles one request from start to `request_end`; never throws nor rejects. */
export function handleRequest(runtime: Runtime, req: IncomingMessage, res: ServerResponse): Step<void> {
  runtime.inFlight.add();
  let pending: Step<void>;
  let request: Request | undefined;
  try {
    const made = (request = new Request(runtime.bp, req, runtime.requestIds.of(req.headers['x-request-id'])));
    if (runtime.accessLog) made[receivedAt] = performance.now();
    res.once('close', () => {
      if (!res.writableFinished) made[clientGone]();
    });
    pending = runtime.current.run(made, () => respond(runtime, made, res));
  } catch (error) {
    unexpected(runtime, res, error);
    pending = undefined;
  }
  if (pending === undefined) {
    ended(runtime, request);
    return undefined;
  }
  return pending.then(
    () => ended(runtime, request),
    (error: unknown) => {
      unexpected(runtime, res, error);
      ended(runtime, request);
    },
  );
}

function ended(runtime: Runtime, request: Request | undefined): void {
  if (request?.[committing]) runtime.inFlight.endCommit();
  runtime.inFlight.done();
}

/** Only a bug in the framework gets here; the client still gets an answer. */
function unexpected(runtime: Runtime, res: ServerResponse, error: unknown): void {
  runtime.logger.error({ err: error }, 'backendts: unexpected failure while handling a request');
  if (!res.headersSent) refuseRequest(res, 500);
  else res.destroy();
}

/** Produces the response (or the error response), sends it, then runs `request_end`. */
function respond(runtime: Runtime, request: Request, res: ServerResponse): Step<void> {
  let produced: Step<HttpResponse>;
  try {
    produced = produce(runtime, request);
  } catch (thrown) {
    return respondWithError(runtime, request, res, thrown);
  }
  if (isPromiseLike(produced)) {
    return produced.then(
      (response) => succeeded(runtime, request, res, response),
      (thrown: unknown) => respondWithError(runtime, request, res, thrown),
    );
  }
  return succeeded(runtime, request, res, produced);
}

/** Runs `success_response`, then sends. A failing success hook (e.g. a commit) turns the answer into an error, before anything is sent. */
function succeeded(runtime: Runtime, request: Request, res: ServerResponse, response: HttpResponse): Step<void> {
  const onSuccess = runtime.hooks.list('success_response');
  if (onSuccess.length > 0) {
    // From here the commit may be under way: a shutdown lets the request finish.
    request[committing] = true;
    runtime.inFlight.startCommit();
    let ran: Step<void>;
    try {
      ran = runEach(onSuccess, { request, response });
    } catch (thrown) {
      return respondWithError(runtime, request, res, thrown);
    }
    if (isPromiseLike(ran)) {
      return ran.then(
        () => send(runtime, request, res, response, undefined),
        (thrown: unknown) => respondWithError(runtime, request, res, thrown),
      );
    }
  }
  return send(runtime, request, res, response, undefined);
}

async function respondWithError(runtime: Runtime, request: Request, res: ServerResponse, thrown: unknown): Promise<void> {
  const error = answerOf(thrown);
  const response = await failed(runtime, request, error);
  await send(runtime, request, res, response, error);
}

/** Writes the response (unless the client left), then runs `request_end`. */
function send(runtime: Runtime, request: Request, res: ServerResponse, response: HttpResponse, error: unknown): Step<void> {
  if (!request.clientGone) {
    let written: Promise<void> | undefined;
    try {
      if (runtime.closing()) res.setHeader('connection', 'close');
      // In the response's own headers: res.setHeader() would make node:http copy every header of the response once more.
      response.headers['x-request-id'] = request.id;
      written = startResponse(res, response, request.method === 'HEAD' ? HEAD : undefined);
    } catch (sendError) {
      return sendFailed(runtime, request, res, response, error, sendError);
    }
    if (written !== undefined) {
      return written.then(
        () => end(runtime, request, response, error),
        (sendError: unknown) => sendFailed(runtime, request, res, response, error, sendError),
      );
    }
  }
  return end(runtime, request, response, error);
}

async function sendFailed(
  runtime: Runtime,
  request: Request,
  res: ServerResponse,
  response: HttpResponse,
  error: unknown,
  sendError: unknown,
): Promise<void> {
  if (!isExceptionResponse(sendError) && !request.clientGone) {
    runtime.logger.error({ err: sendError, request_id: request.id }, `${request.method} ${request.path}: sending the response failed`);
  }
  if (!res.headersSent && !request.clientGone) {
    // Failed before a byte went out (a FileResponse that vanished, a header value node:http refuses): answer with the error.
    response = runtime.errors.render(sendError);
    response.headers['x-request-id'] = request.id;
    await writeResponse(res, response).catch(() => res.destroy());
  } else {
    res.destroy();
  }
  await end(runtime, request, response, error ?? sendError);
}

/** Writes the access log line, then runs `request_end`; its failures are logged, never sent. */
function end(runtime: Runtime, request: Request, response: HttpResponse, error: unknown): Step<void> {
  if (runtime.accessLog && request.route?.options.accessLog !== false) logAccess(runtime, request, response);
  const onEnd = runtime.hooks.list('request_end');
  if (onEnd.length === 0) return undefined;
  const args = error === undefined ? { request, response } : { request, response, error };
  return then(runAll(onEnd, args), (failures) => {
    for (const failure of failures) logFailure(runtime, request, failure, 'a request_end hook failed');
  });
}

/** One structured line per request; `url` is the path and query string as sent. */
function logAccess(runtime: Runtime, request: Request, response: HttpResponse): void {
  const fields: Record<string, unknown> = {
    method: request.method,
    url: request.url,
    status: response.status,
    duration_ms: Math.round((performance.now() - request[receivedAt]) * 1000) / 1000,
    request_id: request.id,
  };
  // The status was never sent: say so rather than let the line claim it.
  if (request.clientGone) fields.client_gone = true;
  runtime.logger.info(fields, 'request completed');
}

function logFailure(runtime: Runtime, request: Request, error: unknown, what: string): void {
  runtime.logger.error({ err: error, request_id: request.id }, `${request.method} ${request.path}: ${what}`);
}

/** From `request_start` to the response middlewares: the response to send, or a throw. */
function produce(runtime: Runtime, request: Request): Step<HttpResponse> {
  const onStart = runtime.hooks.list('request_start');
  if (onStart.length === 0) return admit(runtime, request);
  return then(runEach(onStart, { request }), () => admit(runtime, request));
}

/** Refuses a Host the project does not answer to, and a malformed path. */
function admit(runtime: Runtime, request: Request): Step<HttpResponse> {
  const headers = request.headers;
  if (!runtime.hostCheck(headers.host, headers['x-forwarded-host'] as string | undefined)) {
    throw new ExceptionResponse('disallowed_host', {
      message: `The host "${headers.host ?? ''}" is not allowed.`,
    });
  }
  request.checkPath();
  return beforeRouting(runtime, request);
}

/** The request middlewares: they may rewrite the path, or answer at once (no route, no body). */
function beforeRouting(runtime: Runtime, request: Request): Step<HttpResponse> {
  const chain = runtime.middlewares;
  if (chain.request.length === 0) return matchRoute(runtime, request);
  return runRequestMiddlewares(chain, request).then((early) => early ?? matchRoute(runtime, request));
}

/** Finds the route; no route is a 404, a wrong method a 405, both with no body read. */
function matchRoute(runtime: Runtime, request: Request): Step<HttpResponse> {
  const match = runtime.router.match(request.method, request.path);
  if (match.route === undefined) {
    if (match.methodNotAllowed) {
      const allow = match.allowed.join(', ');
      // No route of the path handles OPTIONS: answer with its methods (a CORS preflight gets its headers from the response middlewares).
      if (request.method === 'OPTIONS') return afterHandler(runtime, request, new HttpResponse(null, { status: 204, headers: { allow } }));
      throw new ExceptionResponse('method_not_allowed', { headers: { allow } });
    }
    throw new ExceptionResponse('not_found');
  }
  const route = match.route;
  request.route = route;
  request.urlVars = match.urlVars;
  return receiveBody(runtime, request, route);
}

/** Reads the body under the route's `bodyLimit` (else `[networking] max_body_size`). */
function receiveBody(runtime: Runtime, request: Request, route: Route): Step<HttpResponse> {
  const headers = request.headers;
  // No body announced: skip the read entirely.
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return cleanData(runtime, request, route);
  return readBody(request.raw, { limit: route.bodyLimit ?? runtime.maxBodySize }).then((body) => {
    request.body = body;
    return cleanData(runtime, request, route);
  });
}

/** The route's data handler, when it has one: its output becomes `request.cleanedData`. */
function cleanData(runtime: Runtime, request: Request, route: Route): Step<HttpResponse> {
  if (route.options.dataHandler === undefined) return callHandler(runtime, request, route);
  const input = collectInput({ query: request.query, body: request.body, urlVars: request.urlVars });
  return validateData(route.options.dataHandler, input).then((cleaned) => {
    request.cleanedData = cleaned;
    return callHandler(runtime, request, route);
  });
}

/** Handler middlewares, then the handler. */
function callHandler(runtime: Runtime, request: Request, route: Route): Step<HttpResponse> {
  const chain = runtime.middlewares;
  const handler = chain.handler.length > 0 ? runHandlerMiddlewares(chain, request, route.handler) : route.handler;
  return then(handler, (resolved) =>
    then(resolved(request), (response) => {
      if (!isResponse(response)) {
        throw new TypeError(
          `the handler of ${request.method} ${route.options.name ?? String(route.path)} returned ${describe(response)} instead of a response (e.g. new Success(data))`,
        );
      }
      return afterHandler(runtime, request, response);
    }),
  );
}

/** The response middlewares. */
function afterHandler(runtime: Runtime, request: Request, response: HttpResponse): Step<HttpResponse> {
  const chain = runtime.middlewares;
  return chain.response.length > 0 ? runResponseMiddlewares(chain, request, response) : response;
}

/**
 * The error response for anything thrown, through the response middlewares
 * (so CORS headers reach a 404 or a 500 too), then the `exception_response`
 * hooks. A middleware or hook that fails is logged; the error response stands.
 */
async function failed(runtime: Runtime, request: Request, error: unknown): Promise<HttpResponse> {
  const known = isExceptionResponse(error) && (error.errorCode !== undefined || runtime.errors.get(error.code) !== undefined);
  if (!known) {
    // Internals go to the log, never to the client.
    logFailure(runtime, request, error, describeFailure(error));
  }
  let response: HttpResponse = runtime.errors.render(error);
  if (runtime.middlewares.response.length > 0) {
    try {
      response = await runResponseMiddlewares(runtime.middlewares, request, response);
    } catch (middlewareError) {
      logFailure(runtime, request, middlewareError, 'a response middleware failed on the error response (sent without it)');
      response = runtime.errors.render(error);
    }
  }
  const onException = runtime.hooks.list('exception_response');
  if (onException.length > 0) {
    const failures = await runAll(onException, { request, error, response });
    for (const failure of failures) logFailure(runtime, request, failure, 'an exception_response hook failed');
  }
  return response;
}

/**
 * The error to answer with: an `ExceptionResponse` wrapped by a library as
 * the `cause` of its own error (Drizzle wraps every driver error in a
 * "Failed query" error) still answers as itself, e.g. a lost database as 503;
 * a NUL byte or a constraint violation the database refused answers 400 or
 * 409, whichever layer sent it. Beneath one of the framework's own errors
 * (a transaction aborted by a statement whose failure the handler caught)
 * the database's error is the framework's to report: a server error.
 */
function answerOf(error: unknown): unknown {
  let current = error;
  let framework = false;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (isExceptionResponse(current)) return current;
    framework ||= isBackendtsError(current);
    const fault = framework ? undefined : asClientFault(current);
    if (fault !== undefined) return fault;
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}

function describeFailure(error: unknown): string {
  if (isExceptionResponse(error)) return `error code "${error.code}" is not declared by any app's ErrorList (sent as server_error)`;
  return 'unhandled error (sent as server_error)';
}

function isResponse(value: unknown): value is HttpResponse {
  // Shape, not class: a response from another copy of backendts is fine.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as HttpResponse).status === 'number' &&
    typeof (value as HttpResponse).headers === 'object' &&
    'body' in value
  );
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}

/**
 * Answers without the request path (the project failed to start, or was
 * closed): a bare predefined error response.
 */
export function refuseRequest(res: ServerResponse, status: 500 | 503): void {
  const code = predefinedErrors.get(status === 503 ? 'service_unavailable' : 'server_error')!;
  const body = JSON.stringify({ status: 'error', code: code.code, message: code.message });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
