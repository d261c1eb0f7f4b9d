/**
 * The HTTP suite: seeds the users table, then for each round starts every
 * contender and checks its answers, loads each route on each contender in
 * turn (warm-up, then the measured run) reading its CPU time and memory, and
 * stops them all. Medians over the rounds.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { checkResponses } from './lib/check-responses.mjs';
import { BACKENDTS_CLI, CONTENDERS, ROOT, contenderEnv } from './lib/contenders.mjs';
import { loadRoute } from './lib/load.mjs';
import { createDatabase, dropDatabase, resetPostgres, seedPglite, seedPostgres, uniqueName } from './lib/postgres.mjs';
import { startServer } from './lib/server-process.mjs';
import { median } from './lib/stats.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const log = (line) => process.stderr.write(`${line}\n`);

/** Starts every contender on a port of its own and checks its answers; a map of key → { server, port }. */
async function startAll(contenders, { databaseUrl, pgliteDir, poolSize }) {
  const servers = new Map();
  try {
    for (const key of contenders) {
      const contender = CONTENDERS[key];
      const port = await freePort();
      const env = contenderEnv(key, { port, databaseUrl, pgliteDir, poolSize });
      const server = await startServer({ label: contender.label, command: contender.command, args: contender.args, env, cwd: ROOT, port });
      servers.set(key, { server, port });
      await checkResponses(contender.label, port);
    }
  } catch (error) {
    await Promise.all([...servers.values()].map(({ server }) => server.stop()));
    throw error;
  }
  // The answers checked above wrote a row each: start from the seeded table.
  await resetPostgres(databaseUrl);
  return servers;
}

/**
 * Runs the HTTP suite with the options of lib/options.mjs; resolves to
 * `{ [route]: { [contender]: { rps, p99, rss, cpu, errors } } }` with medians, plus the raw samples.
 */
export async function runHttpSuite(options) {
  const { contenders, routes, rounds, duration, warmup, connections, poolSize, pgUrl } = options;
  if (contenders.some((key) => key.startsWith('backendts')) && !existsSync(BACKENDTS_CLI)) {
    throw new Error(`${BACKENDTS_CLI} is missing: build backendts first (npm run build, or npm run bench which builds)`);
  }
  const dbName = uniqueName('http');
  const pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'backendts-bench-pglite-'));
  const samples = {};
  for (const route of routes) {
    samples[route] = {};
    for (const key of contenders) samples[route][key] = { rps: [], p99: [], rss: [], cpu: [], errors: 0 };
  }
  try {
    log(`http: seeding database ${dbName}`);
    const databaseUrl = await createDatabase(pgUrl, dbName);
    await seedPostgres(databaseUrl);
    if (contenders.includes('backendts-pglite')) {
      log(`http: seeding embedded database ${pgliteDir}`);
      await seedPglite(pgliteDir);
    }
    for (let round = 0; round < rounds; round++) {
      log(`http: round ${round + 1}/${rounds}: starting ${contenders.length} servers`);
      const servers = await startAll(contenders, { databaseUrl, pgliteDir, poolSize });
      try {
        for (const route of routes) {
          // Contenders take turns on one route, back to back, so a slow spell of this
          // shared machine (they last minutes) falls on all of them, not on one. The
          // order rotates each round so no contender always goes first or last.
          const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]);
          for (const key of order) {
            const { server, port } = servers.get(key);
            let cpuBefore = 0;
            const result = await loadRoute({ port, route, connections, warmup, duration, onMeasure: () => (cpuBefore = server.cpuSeconds()) });
            const cpuPerRequest = ((server.cpuSeconds() - cpuBefore) / Math.max(result.total, 1)) * 1e6;
            const sample = samples[route][key];
            sample.cpu.push(cpuPerRequest);
            sample.rps.push(result.requestsPerSecond);
            sample.p99.push(result.p99);
            sample.rss.push(server.rssMiB());
            sample.errors += result.errors + result.timeouts + result.non2xx;
            log(`  ${route}, ${CONTENDERS[key].label}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99} ms, ` +
              `${Math.round(cpuPerRequest)} µs CPU/req, RSS ${Math.round(server.rssMiB())} MiB` +
              `${result.errors + result.non2xx ? `, ${result.errors} errors, ${result.non2xx} non-2xx` : ''}`);
            // Each contender writes to the same table: start the next from the seeded rows.
            // The embedded folder serves one contender only: its extra rows bother no one (reads stay within 1..10,000).
            if (route === 'users-write' && CONTENDERS[key].database === 'postgres') await resetPostgres(databaseUrl);
          }
        }
      } finally {
        await Promise.all([...servers.values()].map(({ server }) => server.stop()));
      }
    }
  } finally {
    await dropDatabase(pgUrl, dbName).catch((error) => log(`http: could not drop ${dbName}: ${error.message}`));
    rmSync(pgliteDir, { recursive: true, force: true });
  }
  const results = {};
  for (const route of routes) {
    results[route] = {};
    for (const key of contenders) {
      const sample = samples[route][key];
      results[route][key] = { rps: median(sample.rps), p99: median(sample.p99), rss: median(sample.rss), cpu: median(sample.cpu), errors: sample.errors, samples: sample };
    }
  }
  return results;
}
