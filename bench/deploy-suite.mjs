/**
 * The deploy suite: backendts' database routes as deployed at scale,
 * through PgBouncer (transaction pooling, prepare = false) and with reads on
 * a streaming replica, each beside the same project connected directly.
 * The suite starts everything it measures against: a PgBouncer in front of
 * the benchmark's PostgreSQL, and a throwaway primary with a
 * `pg_basebackup -R` replica of it (tools/postgres/, as the tests do). All
 * setups take turns route by route, as the HTTP suite's contenders do.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import postgres from 'postgres';
import { BACKENDTS_CLI, CONTENDERS, contenderEnv } from './lib/contenders.mjs';
import { createDatabase, databaseUrl, dropDatabase, seedPostgres, uniqueName } from './lib/postgres.mjs';
import { measureInTurns } from './lib/rounds.mjs';
import { processCpuSeconds } from './lib/server-process.mjs';

/** The routes the suite measures: the two that touch the database. */
export const DEPLOY_ROUTES = ['users-read', 'users-write'];

/** How long the answers check waits for a write to reach the replica. */
const REPLICA_READ_BACK_WAIT_MS = 2_000;

/**
 * The setups, in the order the tables list them: what each is compared with
 * (`baseline`: the direct connection to the same server) and the routes it
 * is loaded on. Only read-only routes go to a replica, so the replica pair
 * is measured on users-read only.
 */
export const DEPLOY_SETUPS = {
  direct: { label: 'direct to PostgreSQL', server: 'the benchmark\'s PostgreSQL', baseline: 'direct' },
  'direct-unprepared': { label: 'direct, prepare = false', server: 'the benchmark\'s PostgreSQL', baseline: 'direct' },
  pgbouncer: { label: 'through PgBouncer (pool_mode = transaction), prepare = false', server: 'the benchmark\'s PostgreSQL', baseline: 'direct' },
  primary: { label: 'direct to the primary, read-only route', server: 'throwaway primary', baseline: 'primary', routes: ['users-read'] },
  replica: { label: 'reads on the replica, read-only route', server: 'its streaming replica', baseline: 'primary', routes: ['users-read'] },
};

const log = (line) => process.stderr.write(`${line}\n`);

/** `pgbouncer --version`'s first line (`PgBouncer 1.18.0`). */
function pgbouncerVersion(program) {
  try {
    return execFileSync(program, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch {
    return 'PgBouncer';
  }
}

/** Transactions committed so far in `database` on the server of `url` (a standby counts its own read-only ones). */
async function committedTransactions(url, database) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select xact_commit::int8::text as n from pg_stat_database where datname = ${database}`;
    return Number(row?.n ?? 0);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/**
 * Runs the deploy suite with the options of lib/options.mjs (its routes
 * among {@link DEPLOY_ROUTES}); resolves to `{ results, pgbouncer, replicaTransactions }`,
 * `results` shaped as the HTTP suite's with the setups of {@link DEPLOY_SETUPS} as contenders.
 */
export async function runDeploySuite(options) {
  const { rounds, duration, warmup, connections, poolSize, pgUrl } = options;
  const routes = options.routes.filter((route) => DEPLOY_ROUTES.includes(route));
  if (routes.length === 0) throw new Error(`the deploy suite measures ${DEPLOY_ROUTES.join(' and ')}: --routes names neither`);
  if (!existsSync(BACKENDTS_CLI)) throw new Error(`${BACKENDTS_CLI} is missing: build backendts first (npm run build)`);
  // Loaded here, not at import: the report imports this file's tables on every run.
  const { PGBOUNCER, startCluster, startPgbouncer } = await import('./lib/throwaway-servers.mjs');
  if (PGBOUNCER === undefined) throw new Error('the deploy suite needs PgBouncer: apt-get install -y pgbouncer');

  const dbName = uniqueName('deploy');
  const cleanup = [];
  try {
    log(`deploy: seeding database ${dbName}`);
    const directUrl = await createDatabase(pgUrl, dbName);
    cleanup.push(() => dropDatabase(pgUrl, dbName));
    await seedPostgres(directUrl);

    const server = new URL(pgUrl);
    log('deploy: starting PgBouncer');
    const bouncer = await startPgbouncer({
      poolMode: 'transaction',
      // As many server connections as the server's pool: PgBouncer adds its hop, not a queue.
      poolSize,
      server: { host: server.hostname, port: Number(server.port || 5432), user: decodeURIComponent(server.username || 'postgres'), password: decodeURIComponent(server.password) },
    });
    cleanup.push(() => bouncer.stop());

    log('deploy: starting a throwaway primary and its streaming replica');
    const primary = await startCluster();
    cleanup.push(() => primary.destroy());
    const replicated = 'bench';
    await primary.createDatabase(replicated);
    const primaryUrl = databaseUrl(`postgres://postgres@127.0.0.1:${primary.port}/postgres`, replicated);
    await seedPostgres(primaryUrl);
    const replica = await startCluster({ replicaOf: primary });
    cleanup.push(() => replica.destroy());
    const replicaUrl = databaseUrl(`postgres://postgres@127.0.0.1:${replica.port}/postgres`, replicated);

    const backendts = CONTENDERS.backendts;
    const setup = (key, url, extra, more = {}) => ({
      key,
      label: DEPLOY_SETUPS[key].label,
      command: backendts.command,
      args: backendts.args,
      routes: DEPLOY_SETUPS[key].routes,
      env: (port) => ({
        ...contenderEnv('backendts', { port, databaseUrl: url, poolSize }),
        BENCH_PREPARE: 'true',
        BENCH_REPLICAS: '',
        BENCH_READ_ONLY: 'false',
        ...extra,
      }),
      ...more,
    });
    const contenders = [
      setup('direct', directUrl, {}, { resetUrl: directUrl }),
      setup('direct-unprepared', directUrl, { BENCH_PREPARE: 'false' }, { resetUrl: directUrl }),
      setup('pgbouncer', bouncer.url(dbName), { BENCH_PREPARE: 'false' }, { resetUrl: directUrl, proxyCpuSeconds: () => processCpuSeconds(bouncer.pid) }),
      setup('primary', primaryUrl, { BENCH_READ_ONLY: 'true' }, { resetUrl: primaryUrl }),
      setup('replica', primaryUrl, { BENCH_READ_ONLY: 'true', BENCH_REPLICAS: `127.0.0.1:${replica.port}` }, { resetUrl: primaryUrl, readBackWait: REPLICA_READ_BACK_WAIT_MS }),
    ].filter((contender) => (contender.routes ?? routes).some((route) => routes.includes(route)));

    // The replica's own commit count shows that its setup's reads ran there.
    const before = await committedTransactions(replicaUrl, replicated);
    const results = await measureInTurns({ suite: 'deploy', contenders, routes, rounds, duration, warmup, connections });
    const replicaTransactions = (await committedTransactions(replicaUrl, replicated)) - before;
    return { results, pgbouncer: pgbouncerVersion(PGBOUNCER), replicaTransactions };
  } finally {
    for (const step of cleanup.reverse()) await step().catch((error) => log(`deploy: cleanup failed: ${error.message}`));
  }
}
