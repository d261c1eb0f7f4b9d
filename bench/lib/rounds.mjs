/**
 * The HTTP measurement both HTTP suites share: for each round, start every
 * contender and check its answers, load each route on each contender in
 * turn (warm-up, then the measured run) reading its CPU time and memory,
 * and stop them all. Medians over the rounds.
 */
import { createServer } from 'node:net';
import { checkResponses } from './check-responses.mjs';
import { ROOT } from './contenders.mjs';
import { loadRoute } from './load.mjs';
import { resetPostgres } from './postgres.mjs';
import { startServer } from './server-process.mjs';
import { median } from './stats.mjs';

/** A free TCP port on 127.0.0.1 (probed, then released). */
export function freePort() {
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
 * One server to measure.
 * @typedef {object} Contender
 * @property {string} key
 * @property {string} label
 * @property {string} command
 * @property {string[]} args
 * @property {(port: number) => Record<string, string>} env its environment, given its port
 * @property {string} [resetUrl] the PostgreSQL database its writes go to, reset after its users-write run
 * @property {string[]} [routes] the routes it is loaded on (default: all of the run's)
 * @property {number} [readBackWait] ms the check waits for a write to become readable (reads on a replica lag)
 * @property {() => number} [proxyCpuSeconds] CPU seconds so far of a process between it and PostgreSQL (PgBouncer), counted apart
 */

/** Starts every contender on a port of its own and checks its answers; a map of key → { server, port }. */
async function startAll(contenders) {
  const servers = new Map();
  try {
    for (const contender of contenders) {
      const port = await freePort();
      const server = await startServer({ label: contender.label, command: contender.command, args: contender.args, env: contender.env(port), cwd: ROOT, port });
      servers.set(contender.key, { server, port });
      await checkResponses(contender.label, port, { readBackWait: contender.readBackWait });
    }
  } catch (error) {
    await Promise.all([...servers.values()].map(({ server }) => server.stop()));
    throw error;
  }
  // The answers checked above wrote a row each: start from the seeded tables.
  for (const url of new Set(contenders.map((contender) => contender.resetUrl).filter(Boolean))) await resetPostgres(url);
  return servers;
}

/**
 * Measures `routes` on `contenders` (see {@link Contender}) for `rounds`
 * rounds; resolves to `{ [route]: { [key]: { rps, p99, rss, cpu, proxyCpu, errors, samples } } }`
 * with medians, a route a contender does not take left out of its row.
 */
export async function measureInTurns({ suite, contenders, routes, rounds, duration, warmup, connections }) {
  const takes = (contender, route) => (contender.routes ?? routes).includes(route);
  const samples = {};
  for (const route of routes) {
    samples[route] = {};
    for (const contender of contenders) {
      if (takes(contender, route)) samples[route][contender.key] = { rps: [], p99: [], rss: [], cpu: [], proxyCpu: [], errors: 0 };
    }
  }
  for (let round = 0; round < rounds; round++) {
    log(`${suite}: round ${round + 1}/${rounds}: starting ${contenders.length} servers`);
    const servers = await startAll(contenders);
    try {
      for (const route of routes) {
        // Contenders take turns on one route, back to back, so a slow spell of this
        // shared machine (they last minutes) falls on all of them, not on one. The
        // order rotates each round so no contender always goes first or last.
        const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]).filter((contender) => takes(contender, route));
        for (const contender of order) {
          const { server, port } = servers.get(contender.key);
          const proxyCpu = contender.proxyCpuSeconds ?? (() => 0);
          let cpuBefore = 0;
          let proxyBefore = 0;
          const onMeasure = () => {
            cpuBefore = server.cpuSeconds();
            proxyBefore = proxyCpu();
          };
          const result = await loadRoute({ port, route, connections, warmup, duration, onMeasure });
          const perRequest = (seconds) => (seconds / Math.max(result.total, 1)) * 1e6;
          const cpuPerRequest = perRequest(server.cpuSeconds() - cpuBefore);
          const sample = samples[route][contender.key];
          sample.cpu.push(cpuPerRequest);
          if (contender.proxyCpuSeconds) sample.proxyCpu.push(perRequest(proxyCpu() - proxyBefore));
          sample.rps.push(result.requestsPerSecond);
          sample.p99.push(result.p99);
          sample.rss.push(server.rssMiB());
          sample.errors += result.errors + result.timeouts + result.non2xx;
          log(`  ${route}, ${contender.label}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99} ms, ` +
            `${Math.round(cpuPerRequest)} µs CPU/req${contender.proxyCpuSeconds ? ` (+ ${Math.round(sample.proxyCpu.at(-1))} in PgBouncer)` : ''}, RSS ${Math.round(server.rssMiB())} MiB` +
            `${result.errors + result.non2xx ? `, ${result.errors} errors, ${result.non2xx} non-2xx` : ''}`);
          // Contenders write to the same tables: start the next from the seeded rows.
          if (route === 'users-write' && contender.resetUrl) await resetPostgres(contender.resetUrl);
        }
      }
    } finally {
      await Promise.all([...servers.values()].map(({ server }) => server.stop()));
    }
  }
  const results = {};
  for (const route of routes) {
    results[route] = {};
    for (const [key, sample] of Object.entries(samples[route])) {
      results[route][key] = { rps: median(sample.rps), p99: median(sample.p99), rss: median(sample.rss), cpu: median(sample.cpu), proxyCpu: median(sample.proxyCpu), errors: sample.errors, samples: sample };
    }
  }
  return results;
}
