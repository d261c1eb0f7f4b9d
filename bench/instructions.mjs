#!/usr/bin/env node
/**
 * Counts the instructions one contender's server executes per request, with
 * valgrind's callgrind: the same count for the same work whatever else the
 * machine is doing, where req/s and CPU time on a shared machine move by
 * tens of percent. Only user-space instructions are counted (the kernel's
 * socket work, the same for every contender, is not).
 *
 *   node bench/instructions.mjs [--contender backendts] [--route hello-world]
 *     [--warmup-requests 12000] [--window 2000] [--windows 3] [--max-windows 10] [--tolerance 0.02]
 *     [--keep <dir>] [--perf-map]
 *
 * One server runs under callgrind with a count per thread. After the
 * warm-up requests (12,000 for hello-world and 15,000 for the database
 * routes by default: V8 keeps compiling in its background threads well
 * after the first few thousand), the counters are zeroed, then each window
 * of `--window` requests is dumped on its own (`callgrind_control --dump`).
 * Windows are counted until the last `--windows` of them agree within
 * `--tolerance` on the main thread (or `--max-windows` were counted). The
 * main thread's count is the request's cost; the count of every thread is
 * printed beside it (the rest is V8's compiler and GC helpers and libuv's
 * pool). Needs valgrind (Debian package `valgrind`). Slow: the server runs
 * about 50 times slower under callgrind.
 *
 * `--keep <dir>` copies the callgrind.out files of every window into
 * `<dir>` (for `callgrind_annotate`); `--perf-map` starts Node with
 * `--perf-basic-prof`, so that `bench/lib/callgrind-js-names.mjs` can name the
 * JIT-compiled JavaScript functions, which callgrind only knows by address.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { checkResponses } from './lib/check-responses.mjs';
import { ROOT } from './lib/contenders.mjs';
import { loadRoute } from './lib/load.mjs';
import { chosenContender, withSeededDatabase } from './lib/one-contender.mjs';
import { startServer } from './lib/server-process.mjs';
import { median } from './lib/stats.mjs';

/** Warm-up requests after which successive windows agreed (Node 20 and 24, every contender). */
const WARMUP_BY_ROUTE = { 'hello-world': 12_000, 'users-read': 15_000, 'users-write': 15_000 };

const { values } = parseArgs({
  options: {
    contender: { type: 'string', default: 'backendts' },
    route: { type: 'string', default: 'hello-world' },
    'warmup-requests': { type: 'string' },
    window: { type: 'string', default: '2000' },
    windows: { type: 'string', default: '3' },
    'max-windows': { type: 'string', default: '10' },
    tolerance: { type: 'string', default: '0.02' },
    connections: { type: 'string', default: '8' },
    port: { type: 'string', default: '38998' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    keep: { type: 'string' },
    'perf-map': { type: 'boolean', default: false },
  },
});
const contender = chosenContender(values);
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  throw new Error('valgrind is not installed: apt-get install valgrind');
}

const port = Number(values.port);
const warmup = Number(values['warmup-requests'] ?? WARMUP_BY_ROUTE[values.route]);
const windowSize = Number(values.window);
const agreeing = Number(values.windows);
const maxWindows = Math.max(agreeing, Number(values['max-windows']));
const tolerance = Number(values.tolerance);
const load = (amount) => loadRoute({ port, route: values.route, connections: Number(values.connections), amount });

/** Sends a command to the callgrind in `pid` (retried: it only listens once the client runs). */
async function control(pid, flag) {
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync('callgrind_control', [flag, String(pid)], { stdio: 'pipe' });
      return;
    } catch (error) {
      if (attempt === 20) throw new Error(`callgrind_control ${flag} ${pid} failed: ${error.stderr ?? error.message}`);
      await sleep(500);
    }
  }
}

/** The instructions of dump `part`, by thread number (1 is the main thread), once callgrind has written them all. */
async function readDump(dir, part) {
  const prefix = `cg.${part}-`;
  for (let attempt = 0; attempt < 600; attempt++) {
    const files = readdirSync(dir).filter((name) => name.startsWith(prefix));
    const counts = new Map();
    for (const name of files) {
      const match = /^totals: (\d+)/m.exec(readFileSync(path.join(dir, name), 'utf8'));
      if (match) counts.set(Number(name.slice(prefix.length)), Number(match[1]));
    }
    if (counts.has(1) && counts.size === files.length) return counts;
    await sleep(200);
  }
  throw new Error(`callgrind wrote no complete dump ${part} in ${dir}`);
}

/** True when the last `agreeing` values are within `tolerance` of their median. */
function settled(values) {
  if (values.length < agreeing) return false;
  const last = values.slice(-agreeing);
  const middle = median(last);
  return (Math.max(...last) - Math.min(...last)) / middle <= tolerance;
}

/** Copies the dumps, and the perf map of `pid` when there is one, into `keep`. */
function keepDumps(dir, keep, pid) {
  mkdirSync(keep, { recursive: true });
  for (const name of readdirSync(dir)) copyFileSync(path.join(dir, name), path.join(keep, name));
  const map = `/tmp/perf-${pid}.map`;
  if (existsSync(map)) copyFileSync(map, path.join(keep, 'perf.map'));
  console.log(`callgrind dumps kept in ${keep}`);
}

const kilo = (count) => `${(count / windowSize / 1000).toFixed(1)} k`;

await withSeededDatabase({ key: values.contender, pgUrl: values['pg-url'], port, purpose: 'instructions' }, async ({ env }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'backendts-callgrind-'));
  const server = await startServer({
    label: contender.label,
    command: 'valgrind',
    args: ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${path.join(dir, 'cg')}`, contender.command,
      ...(values['perf-map'] ? ['--perf-basic-prof'] : []), ...contender.args],
    env,
    cwd: ROOT,
    port,
    readyTimeout: 600_000,
  });
  try {
    await checkResponses(contender.label, port);
    console.log(`${contender.label}, ${values.route} on Node ${process.version}: ${warmup} warm-up requests under callgrind…`);
    // In windows too: one load run is bounded (30 minutes), and a loaded machine under callgrind can need more.
    for (let sent = 0; sent < warmup; sent += windowSize) await load(Math.min(windowSize, warmup - sent));
    await control(server.pid, '--zero');
    const main = [];
    for (let part = 1; part <= maxWindows && !settled(main); part++) {
      await load(windowSize);
      await control(server.pid, '--dump');
      const counts = await readDump(dir, part);
      const all = [...counts.values()].reduce((sum, count) => sum + count, 0);
      main.push(counts.get(1));
      console.log(`  window ${part} (${windowSize} requests): main thread ${kilo(counts.get(1))} instructions a request, all ${counts.size} threads ${kilo(all)}`);
    }
    const last = main.slice(-agreeing);
    console.log(`${contender.label}, ${values.route}: ${kilo(median(last))} instructions a request on the main thread ` +
      `(median of the last ${last.length} windows, spread ${((Math.max(...last) - Math.min(...last)) / median(last) * 100).toFixed(1)} %` +
      `${settled(main) ? '' : `, not within ${tolerance * 100} % after ${main.length} windows`})`);
  } finally {
    await server.stop();
    if (values.keep) keepDumps(dir, path.resolve(values.keep), server.pid);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
});
