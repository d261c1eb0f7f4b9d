/** Runs the load generator (load/autocannon-worker.mjs) as a separate process and reads its figures. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SEEDED_USERS } from './postgres.mjs';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('../load/autocannon-worker.mjs', import.meta.url));

/**
 * Loads `route` on 127.0.0.1:`port` for `duration` seconds with
 * `connections` connections; resolves to { requestsPerSecond, p99, non2xx, errors, ... }.
 */
export async function loadRoute({ port, route, connections, duration }) {
  const input = JSON.stringify({ port, route, connections, duration, users: SEEDED_USERS });
  const { stdout } = await run(process.execPath, [WORKER, input], {
    // Bounded: the run itself plus generous slack for start-up and the last responses.
    timeout: (duration + 30) * 1000,
    maxBuffer: 1024 * 1024,
  });
  const line = stdout.trim().split('\n').pop();
  return JSON.parse(line);
}
