/**
 * The ledger under faults: a real `backendts run` server, driven over real
 * sockets with a bounded mix of requests (some of them misusing the request
 * handle), while backends are terminated and clients leave; then SIGTERM
 * under load. Afterwards every request's outcome is checked against the rows
 * in the database: nothing from requests that did not get a 2xx (except
 * those answered commit_outcome_unknown), nothing missing from those that
 * did, no statement sent too late, no session left idle in transaction, and
 * a server that only stopped when told to.
 *
 * FAULT_REQUESTS (default 1500) sets the size of the mixed run.
 */
import path from 'node:path';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_SCHEMA } from '../../fixtures/faults/ledger/apps/ledger/db/models.js';
import { startServer, type RunningServer } from '../cli/support/server.js';
import { repoRoot } from '../support/cli.js';
import { startCluster, type Cluster } from '../../tools/postgres/cluster.js';
import { checkLedger, KINDS, load, send, type Kind, type Outcome } from './support/ledger.js';

const PROJECT = path.join(repoRoot, 'fixtures/faults/ledger');
const REQUESTS = Number(process.env.FAULT_REQUESTS ?? 1500);

const DATABASE = 'ledger';
let cluster: Cluster;
let ledger: postgres.Sql;
let server: RunningServer;

beforeAll(async () => {
  cluster = await startCluster();
  ledger = await cluster.createDatabase(DATABASE);
  await ledger.unsafe(LEDGER_SCHEMA);
  server = await startServer(['--port', '0'], PROJECT, {
    DATABASE_URL: `postgres://postgres@${cluster.host}:${cluster.port}/${DATABASE}`,
  });
});

afterAll(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await cluster?.destroy();
});

/** The server's resident memory, in MiB. */
async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function idleInTransaction(): Promise<number> {
  const [row] = await cluster.sql`
    select count(*)::int as n from pg_stat_activity where datname = ${DATABASE} and state like 'idle in transaction%'`;
  return row!.n as number;
}

function expectClean(report: Awaited<ReturnType<typeof checkLedger>>): void {
  expect({ missing: report.missing, unexpected: report.unexpected, late: report.late }).toEqual({ missing: [], unexpected: [], late: [] });
}

describe('the ledger under faults', () => {
  it(`keeps the ledger exact over ${REQUESTS} mixed requests while backends die and clients leave`, async () => {
    let terminations = 0;
    const killer = setInterval(() => {
      terminations++;
      void cluster.sql`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${DATABASE} and application_name = 'backendts'
        order by random() limit 1`.catch(() => {});
    }, 150);
    let outcomes: Outcome[];
    try {
      outcomes = await load(REQUESTS, 24, (index) => {
        const kind: Kind = KINDS[index % KINDS.length]!;
        // One request in ten leaves early: before, during or after its transaction.
        return send(server.url, kind, index % 10 === 3 ? { abandonAfterMs: index % 40, ms: 30 } : { ms: 30 });
      });
    } finally {
      clearInterval(killer);
    }
    if (server.child.exitCode !== null) {
      const exited = await server.exit;
      throw new Error(`the server exited (code ${exited.code}) under faults; the end of its output:\n${exited.stderr.slice(-3000)}`);
    }
    const report = await checkLedger(ledger, outcomes);
    console.info(`ledger after ${REQUESTS} requests and ${terminations} backend terminations:`, report.counts, `server RSS ${(await rssOf(server.child.pid!)).toFixed(0)} MiB`);
    expectClean(report);
    expect(report.counts['200']).toBeGreaterThan(REQUESTS / 4);
    expect(server.child.exitCode).toBeNull();
    expect((await send(server.url, 'write')).status).toBe(200);
    expect(await idleInTransaction()).toBe(0);
  });

  it('answers or rolls back every request when SIGTERM comes under load, and exits 0', async () => {
    const burst = load(200, 40, (index) => send(server.url, index % 2 === 0 ? 'slow' : 'slow-commit', { ms: 400 }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    server.child.kill('SIGTERM');
    const outcomes = await burst;
    const exit = await server.exit;
    expect(exit.code).toBe(0);
    const report = await checkLedger(ledger, outcomes);
    console.info('ledger of the SIGTERM burst:', report.counts);
    expectClean(report);
    expect(report.counts['200']).toBeGreaterThan(0);
    expect(await idleInTransaction()).toBe(0);
  });
});
