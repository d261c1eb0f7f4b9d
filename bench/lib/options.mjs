/**
 * The suite's command line. Defaults are the reference workload
 * (../shared BENCH: 64 connections, 3 s warm-up, 10 s per route, 3 rounds);
 * the options run a subset quickly, e.g. `--only http --duration 3 --rounds 1`.
 */
import { parseArgs } from 'node:util';
import { NODE_CHOICE } from './node-versions.mjs';

/** Every contender of the HTTP suite, in the order the tables list them. */
export const ALL_CONTENDERS = ['backendts', 'backendts-pglite', 'raw', 'node-drizzle', 'fastify', 'hono'];
/** Every route of the workload. */
export const ALL_ROUTES = ['hello-world', 'users-read', 'users-write'];
/** The suites: HTTP load, build time, and the database routes through PgBouncer and on a replica. */
export const ALL_SUITES = ['http', 'build', 'deploy'];
/** The suites a run without `--only` runs (deploy needs PgBouncer and root, for the throwaway clusters). */
export const DEFAULT_SUITES = ['http', 'build'];

const HELP = `usage: node bench/run.mjs [options]

  --only <suites>        http, build, deploy (comma-separated; default: http,build); deploy measures
                         users-read and users-write through PgBouncer and on a streaming replica
  --contenders <list>    ${ALL_CONTENDERS.join(',')}
  --routes <list>        ${ALL_ROUTES.join(',')}
  --duration <s>         seconds measured per route and round (default 10)
  --warmup <s>           seconds of warm-up before each measurement (default 3)
  --rounds <n>           rounds of the HTTP suite; medians are reported (default 3)
  --connections <n>      concurrent connections of the load generator (default 64)
  --pool-size <n>        database pool size of every server (default 10)
  --codegen-rounds <n>   repetitions of the cold codegen (default 3); the first, in a folder
                         tsx never transformed, is reported apart
  --build-rounds <n>     repetitions of each create_db and drizzle-kit push step (default 1)
  --build-timeout <s>    a create_db or push step still running after this is stopped and reported as such (default 30)
  --build-apps <n>       apps of the generated project (default 100, 10 tables each)
  --node <list>          Node versions to run everything on, each in turn: majors fetched from the
                         npm registry (24, 22) and/or system, the Node running this (default 24,system)
  --pg-url <url>         PostgreSQL server to use (default postgres://postgres@127.0.0.1:5432/postgres)
  --out <file>           where to write the results (default bench/RESULTS.md)
  --no-save              print the tables only
  -h, --help             this text
`;

function list(value, allowed, name) {
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item)) throw new Error(`--${name}: unknown "${item}" (known: ${allowed.join(', ')})`);
  }
  return [...new Set(items)];
}

function positive(value, name, { integer = true } = {}) {
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? 'whole ' : ''}number`);
  return n;
}

function nodeChoices(value) {
  const items = [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
  for (const item of items) {
    if (!NODE_CHOICE.test(item)) throw new Error(`--node: "${item}" is neither a major version (24) nor system`);
  }
  if (items.length === 0) throw new Error('--node needs at least one version (24, system)');
  return items;
}

/** Parses argv into the suite's options; prints help and exits on -h. */
export function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      contenders: { type: 'string' },
      routes: { type: 'string' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '64' },
      'pool-size': { type: 'string', default: '10' },
      'codegen-rounds': { type: 'string', default: '3' },
      'build-rounds': { type: 'string', default: '1' },
      'build-timeout': { type: 'string', default: '30' },
      'build-apps': { type: 'string', default: '100' },
      node: { type: 'string', default: '24,system' },
      'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
      out: { type: 'string', default: 'bench/RESULTS.md' },
      'no-save': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  return {
    suites: values.only ? list(values.only, ALL_SUITES, 'only') : DEFAULT_SUITES,
    contenders: values.contenders ? list(values.contenders, ALL_CONTENDERS, 'contenders') : ALL_CONTENDERS,
    routes: values.routes ? list(values.routes, ALL_ROUTES, 'routes') : ALL_ROUTES,
    duration: positive(values.duration, 'duration'),
    warmup: Number(values.warmup) === 0 ? 0 : positive(values.warmup, 'warmup'),
    rounds: positive(values.rounds, 'rounds'),
    connections: positive(values.connections, 'connections'),
    poolSize: positive(values['pool-size'], 'pool-size'),
    codegenRounds: positive(values['codegen-rounds'], 'codegen-rounds'),
    buildRounds: positive(values['build-rounds'], 'build-rounds'),
    buildTimeout: positive(values['build-timeout'], 'build-timeout'),
    buildApps: positive(values['build-apps'], 'build-apps'),
    nodes: nodeChoices(values.node),
    pgUrl: values['pg-url'],
    out: values['no-save'] ? undefined : values.out,
    argv,
  };
}
