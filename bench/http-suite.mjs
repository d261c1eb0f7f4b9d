/**
 * The HTTP suite: seeds the users table, then for each round starts every
 * contender in turn, checks its answers, loads each route (warm-up, then the
 * measured run) and reads its memory, and stops it. Medians over the rounds.
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
      // Rotate the order each round so no contender always runs first (or last) on a warming machine.
      const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]);
      for (const key of order) {
        const contender = CONTENDERS[key];
        const port = await freePort();
        const env = contenderEnv(key, { port, databaseUrl, pgliteDir, poolSize });
        log(`http: round ${round + 1}/${rounds}: ${contender.label}`);
        const server = await startServer({ label: contender.label, command: contender.command, args: contender.args, env, cwd: ROOT, port });
        try {
          await checkResponses(contender.label, port);
          for (const route of routes) {
            let cpuBefore = 0;
            const result = await loadRoute({ port, route, connections, warmup, duration, onMeasure: () => (cpuBefore = server.cpuSeconds()) });
            const cpuPerRequest = ((server.cpuSeconds() - cpuBefore) / Math.max(result.total, 1)) * 1e6;
            const sample = samples[route][key];
            sample.cpu.push(cpuPerRequest);
            sample.rps.push(result.requestsPerSecond);
            sample.p99.push(result.p99);
            sample.rss.push(server.rssMiB());
            sample.errors += result.errors + result.timeouts + result.non2xx;
            log(`  ${route}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99} ms, ${Math.round(cpuPerRequest)} µs CPU/req, ` +
              `RSS ${Math.round(server.rssMiB())} MiB${result.errors + result.non2xx ? `, ${result.errors} errors, ${result.non2xx} non-2xx` : ''}`);
          }
        } finally {
          await server.stop();
        }
        // The embedded folder serves one contender only: its extra rows bother no one (reads stay within 1..10,000).
        if (contender.database === 'postgres') await resetPostgres(databaseUrl);
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
