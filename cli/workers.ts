/**
 * `run --workers N`: the primary process forks N workers running the same
 * command (node:cluster shares the listening port between them), prints the
 * address once they all listen, replaces a worker that dies while serving,
 * and on SIGINT/SIGTERM asks every worker to close gracefully.
 */
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { Output } from './output.js';

/** IPC message the primary sends to ask a worker to shut down. */
const STOP_MESSAGE = 'backendts:stop';

/** Forks `count` workers and supervises them; resolves to the exit code once all have exited. */
export function serveWithWorkers(count: number, output: Output): Promise<number> {
  cluster.setupPrimary({ exec: process.argv[1]!, args: process.argv.slice(2) });
  return new Promise((resolve) => {
    let listening = 0;
    let serving = false;
    let stopping = false;
    let failed = false;
    const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    const stopAll = (): void => {
      for (const worker of alive()) worker.send(STOP_MESSAGE);
    };
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      output.info(`stopping ${alive().length} worker(s)…`);
      stopAll();
    };

    cluster.on('listening', (_worker, address: AddressInfo & { addressType?: unknown }) => {
      listening++;
      if (!serving && listening === count) {
        serving = true;
        const host = typeof address.address === 'string' && address.address.includes(':') ? `[${address.address}]` : address.address;
        output.info(`listening on http://${host}:${address.port} with ${count} workers (Ctrl+C to stop)`);
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      if (!stopping && serving) {
        output.warn(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
        cluster.fork();
        return;
      }
      if (code !== 0) failed = true;
      if (!stopping) {
        // A worker that fails to start has printed why; the others would fail the same way.
        stopping = true;
        stopAll();
      }
      if (alive().length === 0) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(failed ? 1 : 0);
      }
    });
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    for (let index = 0; index < count; index++) cluster.fork();
  });
}

/**
 * In a worker: shut down gracefully when the primary asks. A worker that
 * already got the signal itself (Ctrl+C reaches the whole process group) is
 * not signalled twice, which would cut its in-flight requests.
 */
export function stopOnPrimaryRequest(): void {
  let signalled = false;
  const mark = (): void => {
    signalled = true;
  };
  process.on('SIGINT', mark);
  process.on('SIGTERM', mark);
  process.on('message', (message) => {
    if (message === STOP_MESSAGE && !signalled) process.kill(process.pid, 'SIGTERM');
  });
}
