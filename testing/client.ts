/**
 * An in-process request client bound to a project, like Fastify's `inject`
 * or Hono's `app.request`: requests go through node:http and the project's
 * whole request path (hooks, middlewares, the request transaction), over an
 * in-memory connection instead of a port.
 */
import http, { type OutgoingHttpHeaders } from 'node:http';
import type { Backendts } from '../runtime/backendts.js';
import { connectionPair } from './connection-pair.js';

/** What a test request sends. */
export interface TestRequestInit {
  /** The HTTP method; `GET` by default (`POST` with `json` or `body` given to `request`). */
  method?: string;
  /** Request headers; `host` is `localhost` unless given. */
  headers?: OutgoingHttpHeaders;
  /** A JSON body: serialised, with `content-type: application/json`. */
  json?: unknown;
  /** A raw body, sent as it is. */
  body?: string | Uint8Array;
}

/** A test request without its method, for the `get`, `post`… shorthands. */
export type TestRequestOptions = Omit<TestRequestInit, 'method'>;

/** The in-process client of one project. */
export interface TestClient {
  /** Sends one request (`path` with its query string) and resolves with the response, as `fetch` would give it. */
  request(path: string, init?: TestRequestInit): Promise<globalThis.Response>;
  /** A GET request. */
  get(path: string, options?: TestRequestOptions): Promise<globalThis.Response>;
  /** A POST request. */
  post(path: string, options?: TestRequestOptions): Promise<globalThis.Response>;
  /** A PUT request. */
  put(path: string, options?: TestRequestOptions): Promise<globalThis.Response>;
  /** A PATCH request. */
  patch(path: string, options?: TestRequestOptions): Promise<globalThis.Response>;
  /** A DELETE request. */
  delete(path: string, options?: TestRequestOptions): Promise<globalThis.Response>;
}

/**
 * An in-process request client for `bp`: no port is opened. The first
 * request starts the project (as `bp.handler` does); `bp.close()` ends it.
 */
export function createTestClient(bp: Backendts): TestClient {
  const server = http.createServer(bp.handler);
  const request = (path: string, init: TestRequestInit = {}) => send(server, path, init);
  const shorthand = (method: string) => (path: string, options: TestRequestOptions = {}) => request(path, { ...options, method });
  return {
    request,
    get: shorthand('GET'),
    post: shorthand('POST'),
    put: shorthand('PUT'),
    patch: shorthand('PATCH'),
    delete: shorthand('DELETE'),
  };
}

function send(server: http.Server, path: string, init: TestRequestInit): Promise<globalThis.Response> {
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  const headers: OutgoingHttpHeaders = { host: 'localhost', ...init.headers };
  if (init.json !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  const method = (init.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
  const [clientEnd, serverEnd] = connectionPair();
  server.emit('connection', serverEnd);
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ createConnection: () => clientEnd, method, path, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        clientEnd.destroy();
        const received = new Headers();
        for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) received.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
        const status = incoming.statusCode ?? 0;
        // fetch's Response refuses a body for these statuses.
        const bytes = status === 204 || status === 304 || method === 'HEAD' ? null : Buffer.concat(chunks);
        resolve(new globalThis.Response(bytes, { status, statusText: incoming.statusMessage ?? '', headers: received }));
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
