/** Renders the results as Markdown tables: one per route, the targets, and build time. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { CONTENDERS } from './contenders.mjs';
import { STEP_TARGETS } from '../build-suite.mjs';
import { DEPLOY_SETUPS } from '../deploy-suite.mjs';
import { ratio } from './stats.mjs';

/** Route keys to the request they stand for. */
export const ROUTE_TITLES = {
  'hello-world': 'GET /hello-world (no database)',
  'users-read': 'GET /users/<id> (one read in a transaction)',
  'users-write': 'POST /users (one insert in a transaction)',
};

const fixed = (value, digits) => (value === undefined ? 'n/a' : value.toFixed(digits));
// Two decimals, or two significant digits below 0.01 (a no-change create_db against a push stopped at its limit).
const times = (value) => (value === undefined ? 'n/a' : `${value >= 0.01 || value === 0 ? value.toFixed(2) : value.toPrecision(2)}×`);

function cpuModel() {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((item) => item.startsWith('model name'));
  return line ? line.split(':')[1].trim() : os.cpus()[0]?.model ?? 'unknown';
}

function postgresVersion() {
  try {
    return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Date, Node version, machine and settings of this run. */
export function renderHeader(options) {
  return [
    '# Benchmark results',
    '',
    'Written by `node bench/run.mjs` (see bench/README.md for how to read it). Ratios compare figures from this one run.',
    '',
    `- date: ${new Date().toISOString()}`,
    `- node: ${process.version}`,
    `- machine: ${cpuModel()}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
    `- database: ${postgresVersion()} on 127.0.0.1`,
    // The machine is shared: other work's load moves every figure.
    `- load average when the run ended (1, 5, 15 min): ${os.loadavg().map((value) => value.toFixed(2)).join(', ')}`,
    // A run on one of several Node versions shows the command the user typed.
    `- command: \`${process.env.BENCH_COMMAND ?? `node bench/run.mjs${options.argv.length ? ' ' + options.argv.join(' ') : ''}`}\``,
    '',
  ].join('\n');
}

/** One table per route: req/s, p99 and RSS of each contender, and backendts ÷ contender. */
export function renderHttp(results, options) {
  const lines = [
    '## HTTP',
    '',
    `${options.connections} connections from autocannon in its own process, ${options.warmup} s warm-up, ` +
      `${options.duration} s measured per route, ${options.rounds} round(s), medians; pool size ${options.poolSize} for every server. ` +
      'RSS is read from /proc after the route\'s run; server CPU is the user + system time the server process used ' +
      'during the measured run divided by the requests served (less sensitive than req/s to other load on the machine). ' +
      'The ratio columns compare backendts on PostgreSQL with each row (req/s: above 1 is better for backendts; ' +
      'p99 and CPU/req: below 1 is better for backendts).',
    '',
  ];
  for (const [route, byContender] of Object.entries(results)) {
    const ours = byContender.backendts;
    lines.push(`### ${ROUTE_TITLES[route]}`, '');
    lines.push('| contender | req/s | p99 (ms) | RSS (MiB) | server CPU (µs/req) | backendts ÷ this, req/s | backendts ÷ this, p99 | backendts ÷ this, CPU/req | failed requests |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [key, figures] of Object.entries(byContender)) {
      lines.push(
        `| ${CONTENDERS[key].label} | ${fixed(figures.rps, 0)} | ${fixed(figures.p99, 1)} | ${fixed(figures.rss, 0)} | ${fixed(figures.cpu, 0)} | ` +
          `${times(ratio(ours?.rps, figures.rps))} | ${times(ratio(ours?.p99, figures.p99))} | ${times(ratio(ours?.cpu, figures.cpu))} | ${figures.errors} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The targets that the figures of this run can be checked against. */
export function targetChecks(http, build) {
  const checks = [];
  const rps = (route, key) => http?.[route]?.[key]?.rps;
  const add = (target, value, minimum) => {
    if (value !== undefined) checks.push({ target, value: times(value), met: value >= minimum });
  };
  const p99 = (route, key) => http?.[route]?.[key]?.p99;
  add('hello-world ≥ 0.95× raw node:http', ratio(rps('hello-world', 'backendts'), rps('hello-world', 'raw')), 0.95);
  for (const route of ['users-read', 'users-write']) {
    const peers = ['fastify', 'hono'].filter((key) => rps(route, key) !== undefined);
    const best = peers.length === 0 ? undefined : Math.max(...peers.map((key) => rps(route, key)));
    add(`${route} ≥ 1.05× the better of Fastify + Drizzle and Hono + Drizzle`, ratio(rps(route, 'backendts'), best), 1.05);
    add(`${route} ≥ 0.95× node:http + Drizzle`, ratio(rps(route, 'backendts'), rps(route, 'node-drizzle')), 0.95);
  }
  for (const route of Object.keys(http ?? {})) {
    // Lower is better: Fastify's p99 over ours.
    add(`${route}: p99 no worse than Fastify + Drizzle`, ratio(p99(route, 'fastify'), p99(route, 'backendts')), 1.0);
  }
  for (const [what, seconds] of [['no .backendts/', build?.codegen], ['first run in a new folder', build?.codegenNewFolder]]) {
    if (seconds !== undefined) checks.push({ target: `codegen ≤ 0.6 s (${what})`, value: `${seconds.toFixed(2)} s`, met: seconds <= 0.6 });
  }
  for (const step of build?.steps ?? []) {
    const limit = STEP_TARGETS[step.label];
    if (limit !== undefined && step.samples.length > 0) {
      checks.push({ target: `${step.label.replace('backendts create_db, ', 'create_db, ')} ≤ ${limit} s`, value: `${step.seconds.toFixed(2)} s`, met: step.seconds <= limit });
    }
    if (step.versusRawDdl !== undefined) {
      checks.push({ target: 'create_db ≤ 1.2× the raw DDL (psql -1 -f, PostgreSQL, empty)', value: times(step.versusRawDdl), met: step.versusRawDdl <= 1.2 });
    }
    if (step.versusPush === undefined) continue;
    const where = step.label.replace('backendts create_db, ', '');
    checks.push({ target: `create_db ≤ 1.2× drizzle-kit push (${where})`, value: pushRatio(step.versusPush), met: step.versusPush.value <= 1.2 });
  }
  return checks;
}

/** The targets as a table. */
export function renderTargets(checks) {
  if (checks.length === 0) return '';
  const lines = ['## Targets', '', '| target | this run | met |', '| --- | ---: | :---: |'];
  for (const check of checks) lines.push(`| ${check.target} | ${check.value} | ${check.met ? 'yes' : '**no**'} |`);
  lines.push('');
  return lines.join('\n');
}

/** The build-time table: each step's median wall time and its ratio to drizzle-kit push. */
export function renderBuild(build) {
  const lines = [
    '## Build time',
    '',
    `The generated project (${build.project}). Wall time of each command as a user runs it (a new process each time, ` +
      `TypeScript loading included): codegen ${build.codegenRounds} time(s) (the first, in a new folder, reported apart), each database step ${build.rounds} time(s), medians. ` +
      `A database step still running after ${build.timeout} s was stopped ("stopped"). "÷ push" compares create_db ` +
      'with `drizzle-kit push` on the same schema and the same kind of database; "< x" when push was stopped ' +
      '(its time is then only known to exceed the limit).',
    '',
    '| step | median (s) | runs (s) | ÷ drizzle-kit push |',
    '| --- | ---: | --- | ---: |',
  ];
  for (const step of build.steps) {
    const runs = [...step.samples.map((value) => value.toFixed(2)), ...Array(step.stopped).fill(`stopped after ${build.timeout}`)];
    const medianText = step.samples.length ? fixed(step.seconds, 2) : `> ${build.timeout}`;
    lines.push(`| ${step.label} | ${medianText} | ${runs.join(', ')} | ${step.versusPush ? pushRatio(step.versusPush) : 'n/a'} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** create_db ÷ push as text: `< x` when push was stopped and the ratio is an upper bound. */
function pushRatio({ value, upper }) {
  return upper ? `< ${times(value)}` : times(value);
}

/**
 * The deploy tables: one per route, each setup beside the direct connection
 * to the same server (its `baseline`), req/s and p99 and their ratios.
 */
export function renderDeploy({ results, pgbouncer, replicaTransactions }, options) {
  const lines = [
    '## Deploy: PgBouncer and a read replica',
    '',
    `backendts (\`backendts run\`, the bench project) on its database routes, ${options.connections} connections, ${options.warmup} s warm-up, ` +
      `${options.duration} s measured per route, ${options.rounds} round(s), medians; pool size ${options.poolSize}, and as many ` +
      `PgBouncer server connections (${pgbouncer}, started by the suite in front of the benchmark's PostgreSQL). ` +
      'The primary and its replica are a throwaway cluster and a `pg_basebackup -R` copy of it on this machine, started by the suite ' +
      '(fsync and synchronous_commit off, as in the tests): compare the replica with that primary, not with the benchmark\'s PostgreSQL. ' +
      'On both, users-read is a read-only route (`db: { transaction: \'read-only\' }`); with `[database] replicas` it runs on the replica. ' +
      (Object.values(results).some((bySetup) => 'replica' in bySetup) ? `The replica committed ${replicaTransactions} transactions in the bench database during the run. ` : '') +
      'Server CPU is the backendts process\'s, PgBouncer CPU its own process\'s, each over the measured run divided by the requests served. ' +
      '"÷ direct" divides each row by the direct connection to the same server (req/s: below 1 is slower; p99: above 1 is a longer tail).',
    '',
  ];
  for (const [route, bySetup] of Object.entries(results)) {
    lines.push(`### ${ROUTE_TITLES[route]}`, '');
    lines.push('| setup | server | req/s | p99 (ms) | server CPU (µs/req) | PgBouncer CPU (µs/req) | RSS (MiB) | ÷ direct, req/s | ÷ direct, p99 | failed requests |');
    lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [key, figures] of Object.entries(bySetup)) {
      const { label, server, baseline } = DEPLOY_SETUPS[key];
      const direct = bySetup[baseline];
      lines.push(
        `| ${label} | ${server} | ${fixed(figures.rps, 0)} | ${fixed(figures.p99, 1)} | ${fixed(figures.cpu, 0)} | ${figures.proxyCpu === undefined ? '' : fixed(figures.proxyCpu, 0)} | ${fixed(figures.rss, 0)} | ` +
          `${times(ratio(figures.rps, direct?.rps))} | ${times(ratio(figures.p99, direct?.p99))} | ${figures.errors} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
