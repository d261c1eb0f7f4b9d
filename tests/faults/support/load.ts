/**
 * Load for the fault tests: concurrent clients, each sending one request at a
 * time with a request id of its own, over real HTTP, with a client-side
 * timeout so that a hanging request is recorded as such instead of hanging
 * the test. Every loop is bounded in time.
 */
import { randomUUID } from 'node:crypto';

/** One request as the client saw it. */
export interface Sent {
  requestId: string;
  /** `performance.now()` when it was sent and when its answer (or the timeout) came. */
  start: number;
  end: number;
  /** HTTP status; 0 when it timed out or the connection failed. */
  status: number;
  /** The error code of an error answer (`service_unavailable`), or `timeout` / `network` / `abandoned` (the client left on purpose). */
  code?: string;
}

/** Options of {@link startLoad}. */
export interface LoadOptions {
  /** Concurrent clients. */
  clients: number;
  /** The path of a request, given its request id (e.g. `/ledger/<id>`). */
  path: (requestId: string) => string;
  method?: string;
  /** Milliseconds a client waits for an answer before recording a timeout. */
  timeoutMs: number;
  /** Milliseconds a client pauses between its requests (default 20). */
  pauseMs?: number;
}

/** Running load: `stop()` lets every client finish its request and resolves to all requests sent. */
export interface Load {
  readonly sent: readonly Sent[];
  stop(): Promise<Sent[]>;
}

/** Starts `clients` loops against `baseUrl`; they run until `stop()`. */
export function startLoad(baseUrl: string, options: LoadOptions): Load {
  const sent: Sent[] = [];
  let running = true;
  const client = async () => {
    while (running) {
      sent.push(await sendOne(baseUrl, options));
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
    }
  };
  const clients = Array.from({ length: options.clients }, client);
  return {
    sent,
    async stop() {
      running = false;
      await Promise.all(clients);
      return sent;
    },
  };
}

/** Options of {@link sendOne}. */
export interface SendOptions extends Pick<LoadOptions, 'path' | 'method' | 'timeoutMs'> {
  /** A JSON body, given the request id. */
  body?: (requestId: string) => unknown;
  /** Milliseconds after which the client leaves on purpose (recorded as `abandoned`). */
  abandonAfterMs?: number;
}

/** Sends one request with a fresh request id (also sent as `x-request-id`) and records what came back. */
export async function sendOne(baseUrl: string, options: SendOptions): Promise<Sent> {
  const requestId = randomUUID();
  const start = performance.now();
  const leaving = new AbortController();
  const leave = options.abandonAfterMs === undefined ? undefined : setTimeout(() => leaving.abort(), options.abandonAfterMs);
  try {
    const response = await fetch(`${baseUrl}${options.path(requestId)}`, {
      method: options.method ?? 'POST',
      headers: { 'x-request-id': requestId, ...(options.body && { 'content-type': 'application/json' }) },
      ...(options.body && { body: JSON.stringify(options.body(requestId)) }),
      signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), leaving.signal]),
    });
    const text = await response.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { code?: string }).code;
    } catch {
      code = undefined;
    }
    return { requestId, start, end: performance.now(), status: response.status, ...(code !== undefined && { code }) };
  } catch (error) {
    const name = (error as { name?: string }).name;
    const code = leaving.signal.aborted ? 'abandoned' : name === 'TimeoutError' ? 'timeout' : 'network';
    return { requestId, start, end: performance.now(), status: 0, code };
  } finally {
    clearTimeout(leave);
  }
}

/** Waits until `check()` is true, polling every `everyMs`; false when `withinMs` passed first. */
export async function waitFor(check: () => boolean | Promise<boolean>, withinMs: number, everyMs = 25): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return check();
}

/** Milliseconds a request took. */
export const took = (request: Sent): number => request.end - request.start;
