/**
 * The per-request path, top to bottom:
 *
 *   receive → request_start → allowed host → body → request middlewares
 *   → route + data handler → handler middlewares → handler
 *   → response middlewares → success_response (or exception_response)
 *   → send → request_end
 *
 * Whatever happens, the client gets one response (unless it left) and
 * `request_end` runs exactly once, after the response was sent, the send
 * failed, or the client went away. Nothing thrown here escapes to node:http.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backendts, Logger } from './backendts.js';
import type { CurrentRequest } from './current-request.js';
import { ExceptionResponse, isExceptionResponse, predefinedErrors, type ErrorRegistry } from './error-list.js';
import { runAll, runEach, type HookRunner } from './hooks.js';
import type { HostCheck } from './hosts.js';
import {
  runHandlerMiddlewares,
  runRequestMiddlewares,
  runResponseMiddlewares,
  type MiddlewareChain,
} from './middlewares.js';
import { readBody } from './body.js';
import { collectInput, validateData } from './data-handler.js';
import { clientGone, Request } from './request.js';
import { writeResponse, type Response } from './responses.js';
import type { Router } from './router.js';
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
  current: CurrentRequest;
  inFlight: InFlightRequests;
  /** True once `close()` was called: responses then ask clients to close their connection. */
  closing: () => boolean;
}

const HEAD = Object.freeze({ head: true });

/** Handles one request from start to `request_end`; never rejects. */
export async function handleRequest(runtime: Runtime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  runtime.inFlight.add();
  try {
    const request = new Request(runtime.bp, req);
    res.once('close', () => {
      if (!res.writableFinished) request[clientGone]();
    });
    await runtime.current.run(request, () => respond(runtime, request, res));
  } catch (error) {
    // Only a bug in the framework gets here; the client still gets an answer.
    runtime.logger.error('backendts: unexpected failure while handling a request', error);
    if (!res.headersSent) refuseRequest(res, 500);
    else res.destroy();
  } finally {
    runtime.inFlight.done();
  }
}

async function respond(runtime: Runtime, request: Request, res: ServerResponse): Promise<void> {
  const { hooks } = runtime;
  let response: Response;
  let error: unknown;
  try {
    response = await produce(runtime, request);
    const onSuccess = hooks.list('success_response');
    // A failing success hook (e.g. a commit) turns the answer into an error, before anything is sent.
    if (onSuccess.length > 0) await runEach(onSuccess, { request, response });
  } catch (thrown) {
    error = answerOf(thrown);
    response = await failed(runtime, request, error);
  }
  try {
    if (!request.clientGone) {
      if (runtime.closing()) res.setHeader('connection', 'close');
      await writeResponse(res, response, request.method === 'HEAD' ? HEAD : undefined);
    }
  } catch (sendError) {
    if (!isExceptionResponse(sendError) && !request.clientGone) {
      runtime.logger.error(`${request.method} ${request.path}: sending the response failed`, sendError);
    }
    if (!res.headersSent && !request.clientGone) {
      // Failed before a byte went out (a File that vanished, a header value node:http refuses): answer with the error.
      response = runtime.errors.render(sendError);
      await writeResponse(res, response).catch(() => res.destroy());
    } else {
      res.destroy();
    }
    error ??= sendError;
  }
  const onEnd = hooks.list('request_end');
  if (onEnd.length > 0) {
    const failures = await runAll(onEnd, error === undefined ? { request, response } : { request, response, error });
    for (const failure of failures) runtime.logger.error(`${request.method} ${request.path}: a request_end hook failed`, failure);
  }
}

/** From `request_start` to the response middlewares: the response to send, or a throw. */
async function produce(runtime: Runtime, request: Request): Promise<Response> {
  const onStart = runtime.hooks.list('request_start');
  if (onStart.length > 0) await runEach(onStart, { request });
  const headers = request.headers;
  if (!runtime.hostCheck(headers.host, headers['x-forwarded-host'] as string | undefined)) {
    throw new ExceptionResponse('disallowed_host', {
      message: `The host "${headers.host ?? ''}" is not allowed.`,
    });
  }
  request.checkPath();
  // No body announced: skip the read (and its await) entirely.
  if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) {
    request.body = await readBody(request.raw, { limit: runtime.maxBodySize });
  }
  const chain = runtime.middlewares;
  if (chain.request.length > 0) {
    const early = await runRequestMiddlewares(chain, request);
    if (early !== undefined) return early;
  }
  const match = runtime.router.match(request.method, request.path);
  if (match.route === undefined) {
    if (match.methodNotAllowed) {
      throw new ExceptionResponse('method_not_allowed', { headers: { allow: match.allowed.join(', ') } });
    }
    throw new ExceptionResponse('not_found');
  }
  const route = match.route;
  request.route = route;
  request.urlVars = match.urlVars;
  if (route.options.dataHandler !== undefined) {
    const input = collectInput({ query: request.query, body: request.body, urlVars: request.urlVars });
    request.cleanedData = await validateData(route.options.dataHandler, input);
  }
  const handler = chain.handler.length > 0 ? await runHandlerMiddlewares(chain, request, route.handler) : route.handler;
  let response = await handler(request);
  if (!isResponse(response)) {
    throw new TypeError(
      `the handler of ${request.method} ${route.options.name ?? String(route.path)} returned ${describe(response)} instead of a Response (e.g. new Success(data))`,
    );
  }
  if (chain.response.length > 0) response = await runResponseMiddlewares(chain, request, response);
  return response;
}

/**
 * The error response for anything thrown, after the `exception_response`
 * hooks. Hooks that fail are logged; the error response stands.
 */
async function failed(runtime: Runtime, request: Request, error: unknown): Promise<Response> {
  const known = isExceptionResponse(error) && (error.errorCode !== undefined || runtime.errors.get(error.code) !== undefined);
  if (!known) {
    // Internals go to the log, never to the client.
    runtime.logger.error(`${request.method} ${request.path}: ${describeFailure(error)}`, error);
  }
  const response = runtime.errors.render(error);
  const onException = runtime.hooks.list('exception_response');
  if (onException.length > 0) {
    const failures = await runAll(onException, { request, error, response });
    for (const failure of failures) {
      runtime.logger.error(`${request.method} ${request.path}: an exception_response hook failed`, failure);
    }
  }
  return response;
}

/**
 * The error to answer with: an `ExceptionResponse` wrapped by a library as
 * the `cause` of its own error (Drizzle wraps every driver error in a
 * "Failed query" error) still answers as itself, e.g. a lost database as 503.
 */
function answerOf(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (isExceptionResponse(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}

function describeFailure(error: unknown): string {
  if (isExceptionResponse(error)) return `error code "${error.code}" is not declared by any app's ErrorList (sent as server_error)`;
  return 'unhandled error (sent as server_error)';
}

function isResponse(value: unknown): value is Response {
  // Shape, not class: a Response from another copy of backendts is fine.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).headers === 'object' &&
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
