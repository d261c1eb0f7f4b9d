/**
 * Serving over node:http: listening, counting in-flight requests, graceful
 * close (stop accepting, let in-flight requests finish within a bound, then
 * cut what is left) and the SIGINT/SIGTERM handlers. The order of the whole
 * shutdown (close, then the `shutdown` event) is kept by `Backendts.close()`.
 */
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendtsError } from '../core/errors.js';
import type { ListeningAddress } from '../core/hooks.js';

// Not `import { createServer } from 'node:http'`: an ESM import of a builtin
// reads every export, and on Node 24 node:http's lazy `globalAgent`,
// `WebSocket`, `CloseEvent` and `MessageEvent` then load undici (with http2,
// zlib, tls, worker_threads…): about 13 MiB of resident memory for nothing.
const { createServer } = process.getBuiltinModule('node:http');

/** Counts the requests being handled, so a close can wait for them. */
export class InFlightRequests {
  #count = 0;
  #waiters: (() => void)[] = [];
  /** Requests past the start of their `success_response` hooks: their commit has started, and its outcome must reach the client. */
  #committing = 0;
  #committed: (() => void)[] = [];

  /** A request's `success_response` hooks (its commit) started. */
  startCommit(): void {
    this.#committing++;
  }

  /** A request that had started its commit ended (after `request_end`). */
  endCommit(): void {
    if (--this.#committing === 0 && this.#committed.length > 0) {
      const waiters = this.#committed;
      this.#committed = [];
      for (const wake of waiters) wake();
    }
  }

  /** Resolves true once no request is committing, or false after `timeout` ms. */
  commitsDone(timeout: number): Promise<boolean> {
    return waitFor(this.#committing === 0, this.#committed, timeout);
  }

  /** The number of requests being handled. */
  get count(): number {
    return this.#count;
  }

  /** A request started. */
  add(): void {
    this.#count++;
  }

  /** A request ended (after `request_end`). */
  done(): void {
    this.#count--;
    if (this.#count === 0 && this.#waiters.length > 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Resolves true once no request is in flight, or false after `timeout` ms. */
  idle(timeout: number): Promise<boolean> {
    return waitFor(this.#count === 0, this.#waiters, timeout);
  }
}

/** Resolves true at once when `done`, else when woken through `waiters`, or false after `timeout` ms. */
function waitFor(done: boolean, waiters: (() => void)[], timeout: number): Promise<boolean> {
  if (done) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      const at = waiters.indexOf(wake);
      if (at >= 0) waiters.splice(at, 1);
      resolve(false);
    }, timeout);
    const wake = () => {
      clearTimeout(timer);
      resolve(true);
    };
    waiters.push(wake);
  });
}

/** Options of `Backendts.listen`. */
export interface ListenOptions {
  /** Interface to listen on; defaults to `[networking] host`, else 127.0.0.1. */
  host?: string;
  /** Port; defaults to `[networking] port`, else 8000. 0 picks a free port. */
  port?: number;
  /** Install SIGINT/SIGTERM handlers that close gracefully, then exit (default true). */
  signals?: boolean;
}

/** What `Backendts.listen` resolves with. */
export interface Listening extends ListeningAddress {
  /** The node:http server. */
  server: Server;
}

/** Options of `Backendts.close`. */
export interface CloseOptions {
  /** Milliseconds to wait for in-flight requests; defaults to `[networking] shutdown_timeout` (10 s). */
  timeout?: number;
}

/** How long a client may take to send a request, in milliseconds (0: no limit); from `[networking]`. */
export interface RequestTimeouts {
  requestTimeout: number;
  headersTimeout: number;
}

/** Starts a node:http server; fails naming the address when it cannot listen (port taken…). */
export function startServer(
  listener: RequestListener,
  host: string,
  port: number,
  timeouts: RequestTimeouts,
): Promise<{ server: Server; address: ListeningAddress }> {
  const limits = [timeouts.requestTimeout, timeouts.headersTimeout].filter((limit) => limit > 0);
  const server = createServer(
    {
      requestTimeout: timeouts.requestTimeout,
      headersTimeout: timeouts.headersTimeout,
      // Node looks for late requests every 30 s by default: far too coarse for limits of a few seconds.
      connectionsCheckingInterval: Math.min(1000, ...limits),
    },
    listener,
  );
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.close();
      const hint =
        error.code === 'EADDRINUSE'
          ? `another process uses port ${port}: stop it, or set [networking] port (0 picks a free port)`
          : error.code === 'EACCES'
            ? `ports below 1024 need privileges: set [networking] port to 1024 or above`
            : `check [networking] host and port`;
      reject(new BackendtsError('BT_LISTEN', `cannot listen on ${host}:${port}: ${error.message}`, { hint, cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const info = server.address() as AddressInfo;
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({ server, address: { host: info.address, port: info.port, url: `http://${shown}:${info.port}` } });
    });
  });
}

/** The least time (ms) a request whose commit has started gets at shutdown to finish, past the shutdown timeout. */
export const COMMIT_GRACE = 5_000;

/**
 * Stops accepting connections, waits up to `timeout` ms for in-flight
 * requests, then closes every connection still open. A request whose commit
 * has started when the time is up is not cut: its outcome is decided, so it
 * gets up to `timeout` ms more (at least {@link COMMIT_GRACE}) to send it. Resolves true when all requests
 * finished in time, false when some were cut.
 */
export async function stopServer(server: Server, inFlight: InFlightRequests, timeout: number): Promise<boolean> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive connections would otherwise hold `close` open until they time out.
  server.closeIdleConnections();
  const drained = await inFlight.idle(timeout);
  // Still committing after the second wait: cut anyway, rather than never stop.
  if (!drained) await inFlight.commitsDone(Math.max(timeout, COMMIT_GRACE));
  server.closeAllConnections();
  await closed;
  return drained;
}

/** The signals that stop a server gracefully. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Installs SIGINT/SIGTERM handlers that call `stop` once; a second signal
 * while stopping exits at once. Returns a function that removes them.
 */
export function installSignalHandlers(stop: (signal: NodeJS.Signals) => void): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    stop(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
}
