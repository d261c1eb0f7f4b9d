#!/usr/bin/env node
/**
 * Profiles one contender under the workload: starts it with `node --cpu-prof`,
 * loads one route (warm-up, then the measured run), stops it, and prints where
 * the CPU time of the measured run went, by file and by function (self time).
 *
 *   node bench/profile.mjs [--contender backendts] [--route users-read] [--duration 10] [--top 25]
 *
 * The .cpuprofile is kept (path printed) for Chrome DevTools or speedscope.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkResponses } from './lib/check-responses.mjs';
import { ROOT } from './lib/contenders.mjs';
import { summariseProfile } from './lib/cpu-profile.mjs';
import { loadRoute } from './lib/load.mjs';
import { chosenContender, withSeededDatabase } from './lib/one-contender.mjs';
import { startServer } from './lib/server-process.mjs';

const { values } = parseArgs({
  options: {
    contender: { type: 'string', default: 'backendts' },
    route: { type: 'string', default: 'users-read' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    top: { type: 'string', default: '25' },
    port: { type: 'string', default: '38999' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const contender = chosenContender(values);
const port = Number(values.port);
const profileDir = mkdtempSync(path.join(os.tmpdir(), 'backendts-bench-profile-'));
// The measured run's span, so start-up and warm-up are left out of the summary.
const window = { from: 0, to: 0 };
let requests = 0;
await withSeededDatabase({ key: values.contender, pgUrl: values['pg-url'], port, purpose: 'profile' }, async ({ env }) => {
  const server = await startServer({
    label: contender.label,
    command: contender.command,
    args: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...contender.args],
    env,
    cwd: ROOT,
    port,
  });
  try {
    await checkResponses(contender.label, port);
    const connections = Number(values.connections);
    const result = await loadRoute({
      port,
      route: values.route,
      connections,
      warmup: Number(values.warmup),
      duration: Number(values.duration),
      onMeasure: () => (window.from = Number(process.hrtime.bigint() / 1000n)),
    });
    window.to = Number(process.hrtime.bigint() / 1000n);
    requests = result.total;
    console.log(`${contender.label}, ${values.route}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99} ms`);
  } finally {
    await server.stop();
  }
  const files = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error('no .cpuprofile written: the server did not exit cleanly on SIGTERM');
  for (const name of files) {
    const file = path.join(profileDir, name);
    const summary = summariseProfile(file, ROOT, window);
    if (summary.totalMs === 0) continue;
    const top = Number(values.top);
    const pct = (ms) => `${((ms / summary.totalMs) * 100).toFixed(1).padStart(5)} %`;
    console.log(`\n${file}: during the measured run, ${(summary.totalMs / 1000).toFixed(2)} s busy ` +
      `(${Math.round((summary.totalMs * 1000) / Math.max(requests, 1))} µs a request), ${(summary.idleMs / 1000).toFixed(2)} s idle; shares of busy time\n\nself time by file:`);
    for (const { name: group, ms } of summary.groups.slice(0, top)) console.log(`  ${pct(ms)}  ${group}`);
    console.log('\nself time by function:');
    for (const { name: fn, ms } of summary.functions.slice(0, top)) console.log(`  ${pct(ms)}  ${fn}`);
  }
});
