#!/usr/bin/env node
/**
 * Counts the instructions one contender's server executes per request, with
 * valgrind's callgrind: the same count for the same work whatever else the
 * machine is doing, where req/s and CPU time on a shared machine move by
 * tens of percent. Only user-space instructions are counted (the kernel's
 * socket work, the same for every contender, is not).
 *
 *   node bench/instructions.mjs [--contender backendts] [--route hello-world] [--requests 8000] [--warmup-requests 4000]
 *
 * The server is started twice under callgrind: once for the warm-up
 * requests, once for the warm-up requests plus the counted ones. The
 * difference, divided by the counted requests, leaves out start-up, module
 * loading and JIT warm-up. Needs valgrind (Debian package `valgrind`).
 * Slow: the server runs about 50 times slower under callgrind.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { checkResponses } from './lib/check-responses.mjs';
import { ROOT } from './lib/contenders.mjs';
import { loadRoute } from './lib/load.mjs';
import { chosenContender, withSeededDatabase } from './lib/one-contender.mjs';
import { resetPostgres } from './lib/postgres.mjs';
import { startServer } from './lib/server-process.mjs';

const { values } = parseArgs({
  options: {
    contender: { type: 'string', default: 'backendts' },
    route: { type: 'string', default: 'hello-world' },
    requests: { type: 'string', default: '8000' },
    'warmup-requests': { type: 'string', default: '4000' },
    connections: { type: 'string', default: '8' },
    port: { type: 'string', default: '38998' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const contender = chosenContender(values);
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  throw new Error('valgrind is not installed: apt-get install valgrind');
}

const port = Number(values.port);
const counted = Number(values.requests);
const warmup = Number(values['warmup-requests']);

/** Instructions the server executed from start to exit, having served `amount` requests of the route. */
async function instructionsFor(amount, env) {
  const server = await startServer({
    label: contender.label,
    command: 'valgrind',
    args: ['--tool=callgrind', '--callgrind-out-file=/dev/null', contender.command, ...contender.args],
    env,
    cwd: ROOT,
    port,
    readyTimeout: 600_000,
  });
  try {
    await checkResponses(contender.label, port);
    await loadRoute({ port, route: values.route, connections: Number(values.connections), amount });
  } finally {
    await server.stop();
  }
  const match = /Collected : (\d+)/.exec(server.output);
  if (!match) throw new Error(`callgrind printed no total for ${contender.label}:\n${server.output.slice(-2000)}`);
  return Number(match[1]);
}

await withSeededDatabase({ key: values.contender, pgUrl: values['pg-url'], port, purpose: 'instructions' }, async ({ env, databaseUrl }) => {
  console.log(`${contender.label}, ${values.route}: counting ${warmup} then ${warmup + counted} requests under callgrind…`);
  const base = await instructionsFor(warmup, env);
  // Writes add rows: start the second run from the same table.
  if (contender.database === 'postgres' && values.route === 'users-write') await resetPostgres(databaseUrl);
  const total = await instructionsFor(warmup + counted, env);
  const perRequest = (total - base) / counted;
  console.log(`${contender.label}, ${values.route}: ${Math.round(perRequest / 100) / 10} k instructions a request ` +
    `(${base.toLocaleString('en')} for ${warmup} requests, ${total.toLocaleString('en')} for ${warmup + counted})`);
});
