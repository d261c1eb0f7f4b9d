/** Runs the load generator (load/autocannon-worker.mjs) as a separate process and reads its figures. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SEEDED_USERS } from './postgres.mjs';

const WORKER = fileURLToPath(new URL('../load/autocannon-worker.mjs', import.meta.url));

/**
 * Loads `route` on 127.0.0.1:`port` with `connections` connections: `warmup`
 * seconds not counted, then `duration` seconds measured (or, given `amount`,
 * exactly that many requests). `onMeasure` is called
 * when the measured part starts. Resolves to { requestsPerSecond, total, p99, non2xx, errors, ... }.
 */
export function loadRoute({ port, route, connections, duration, warmup = 0, amount, onMeasure = () => {} }) {
  const input = JSON.stringify({ port, route, connections, warmup, duration, users: SEEDED_USERS, amount });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, input], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Bounded: the run itself plus generous slack for start-up and the last responses
    // (a counted run may be slow on purpose: a server under valgrind).
    const seconds = amount === undefined ? warmup + duration + 30 : 1800;
    const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000);
    let stdout = '';
    let stderr = '';
    let result;
    child.stdout.on('data', (chunk) => {
      stdout += chunk.toString();
      let newline;
      while ((newline = stdout.indexOf('\n')) !== -1) {
        const message = JSON.parse(stdout.slice(0, newline));
        stdout = stdout.slice(newline + 1);
        if (message.phase === 'measure') onMeasure();
        else result = message;
      }
    });
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk.toString()).slice(-10_000);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result);
      else reject(new Error(`the load generator failed on ${route} (${signal ?? `exit ${code}`}):\n${stderr.trim()}`));
    });
  });
}
