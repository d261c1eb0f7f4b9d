#!/usr/bin/env node
/**
 * Start-up of the backendts contender through the real CLI (`backendts run`):
 * time from spawn until GET /hello-world first answers 200 (polled every
 * 5 ms), the CPU time the server used until then (user + system: less
 * sensitive than wall time to other load on the machine), and its resident memory right after (VmRSS, summed over
 * its process tree) and again after it has sat idle for a second. The
 * project is bench/projects/backendts, on a seeded PostgreSQL database of
 * its own, or on the embedded PGlite with `--contender backendts-pglite`.
 * `--compiled` runs it compiled to JavaScript first, as a production deploy
 * does (no TypeScript loader); without it the project's TypeScript loads
 * through tsx, as in development.
 *
 *   node bench/startup.mjs [--contender backendts] [--runs 5] [--compiled]
 *
 * Run it with the Node to measure first on PATH, or call that Node by path:
 * the server runs on the same Node as this script.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { BACKENDTS_PROJECT, ROOT } from './lib/contenders.mjs';
import { compileBenchProject } from './lib/compiled-project.mjs';
import { chosenContender, withSeededDatabase } from './lib/one-contender.mjs';
import { startServer } from './lib/server-process.mjs';
import { median } from './lib/stats.mjs';

const { values } = parseArgs({
  options: {
    contender: { type: 'string', default: 'backendts' },
    runs: { type: 'string', default: '5' },
    compiled: { type: 'boolean', default: false },
    port: { type: 'string', default: '38997' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const contender = chosenContender({ ...values, route: 'hello-world' });
const port = Number(values.port);
const compiled = values.compiled ? compileBenchProject() : undefined;
const args = compiled === undefined ? contender.args : contender.args.map((arg) => (arg === BACKENDTS_PROJECT ? compiled.dir : arg));
const form = compiled === undefined ? 'TypeScript through tsx' : 'compiled to JavaScript';
process.on('exit', () => compiled?.remove());

await withSeededDatabase({ key: values.contender, pgUrl: values['pg-url'], port, purpose: 'startup' }, async ({ env }) => {
  const rows = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const started = performance.now();
    const server = await startServer({ label: contender.label, command: contender.command, args, env, cwd: ROOT, port, pollInterval: 5 });
    const ready = (performance.now() - started) / 1000;
    const cpu = server.cpuSeconds();
    const rssReady = server.rssMiB();
    await sleep(1000);
    const rssIdle = server.rssMiB();
    await server.stop();
    rows.push({ ready, cpu, rssReady, rssIdle });
    console.log(`run ${run + 1}: ready in ${ready.toFixed(2)} s (CPU ${cpu.toFixed(2)} s), RSS ${rssReady.toFixed(0)} MiB at ready, ${rssIdle.toFixed(0)} MiB after 1 s idle`);
  }
  const pick = (key) => median(rows.map((row) => row[key]));
  console.log(`${contender.label}, ${form}, on Node ${process.version}: median ready ${pick('ready').toFixed(2)} s (CPU ${pick('cpu').toFixed(2)} s), ` +
    `RSS ${pick('rssReady').toFixed(0)} MiB at ready, ${pick('rssIdle').toFixed(0)} MiB idle (${rows.length} runs)`);
});
