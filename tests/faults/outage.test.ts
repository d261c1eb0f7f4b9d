/**
 * Outages under load, on a PostgreSQL cluster of this file's own: while the
 * database is down requests get a 503 within connect_timeout, the outage and
 * the recovery are logged once each, requests succeed again within 2 s of the
 * database answering, and the ledger shows exactly the requests that got a 2xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type postgres from 'postgres';
import { startCluster, type Cluster } from '../../tools/postgres/cluster.js';
import { startLoad, sendOne, took, waitFor, type Sent } from './support/load.js';
import { LEDGER_SCHEMA, serveFaults, type FaultServer } from './support/serve.js';

const DATABASE = 'faults';
const CONNECT_TIMEOUT_S = 2;
/** What "within connect_timeout" may add: scheduling on a 2-core machine under load. */
const MARGIN_MS = 750;
const RECOVERY_MS = 2_000;
/** A client gives up on an answer after this: such a request hung. */
const HUNG_MS = 8_000;
const CLIENTS = 12;

let cluster: Cluster;
let ledgerDb: postgres.Sql;
let server: FaultServer;
/** Every request sent by every test, for the ledger check. */
const everything: Sent[] = [];
/** When the cluster was stopped or restarted (`performance.now()`), to place a failing request in a message. */
const outages: number[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  ledgerDb = await cluster.createDatabase(DATABASE);
  await ledgerDb.unsafe(LEDGER_SCHEMA);
  server = await serveFaults(cluster.databaseSection(DATABASE, { pool_size: '5', connect_timeout: String(CONNECT_TIMEOUT_S) }));
});

afterAll(async () => {
  await server?.close();
  await cluster?.destroy();
});

const ledgerLoad = () => startLoad(server.url, { clients: CLIENTS, path: (id) => `/ledger/${id}`, timeoutMs: HUNG_MS });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lines = (pattern: RegExp) => server.logs.filter((line) => pattern.test(line.message));
const ok = (request: Sent) => request.status >= 200 && request.status < 300;

/** Waits (bounded) until a request sent after `since` succeeded; the time from `since` to its answer. */
async function recoveredAfter(load: { sent: readonly Sent[] }, since: number): Promise<number | undefined> {
  await waitFor(() => load.sent.some((request) => request.start >= since && ok(request)), RECOVERY_MS + 3_000);
  const first = load.sent.filter((request) => request.start >= since && ok(request)).sort((a, b) => a.end - b.end)[0];
  return first === undefined ? undefined : first.end - since;
}

function summary(requests: readonly Sent[]): string {
  const statuses = new Map<string, number>();
  for (const request of requests) statuses.set(`${request.status}${request.code ? ` ${request.code}` : ''}`, (statuses.get(`${request.status}${request.code ? ` ${request.code}` : ''}`) ?? 0) + 1);
  const slowest = Math.max(0, ...requests.map(took));
  return `${requests.length} requests (${[...statuses].map(([status, n]) => `${n}× ${status}`).join(', ')}), slowest ${Math.round(slowest)} ms`;
}

describe('a database outage under load', () => {
  it('answers 503 within connect_timeout while stopped, logs the outage and the recovery once, and serves within 2 s of start()', async () => {
    const load = ledgerLoad();
    await waitFor(() => load.sent.filter(ok).length >= CLIENTS, 5_000);
    const unreachableBefore = lines(/unreachable/i).length;
    const recoveredBefore = lines(/recovered|reachable again/i).length;

    outages.push(performance.now());
    await cluster.stop();
    const stoppedAt = performance.now();
    await sleep(3_000);
    const startingAt = performance.now();
    await cluster.start();
    const upAt = performance.now();
    const recovery = await recoveredAfter(load, upAt);
    // Then a second of requests that must all succeed.
    await sleep(Math.max(0, upAt + RECOVERY_MS + 1_000 - performance.now()));
    const sent = await load.stop();
    everything.push(...sent);

    const during = sent.filter((request) => request.start >= stoppedAt && request.end <= startingAt);
    const after = sent.filter((request) => request.start >= upAt + RECOVERY_MS);
    const report = `during the outage: ${summary(during)}; recovered ${recovery === undefined ? 'never' : `${Math.round(recovery)} ms`} after start(); after: ${summary(after)}`;
    console.info(`[outage] ${report}`);

    expect(sent.filter((request) => request.status === 0), report).toEqual([]);
    expect(during.length, report).toBeGreaterThan(CLIENTS);
    for (const request of during) {
      expect({ status: request.status, code: request.code }, report).toEqual({ status: 503, code: 'service_unavailable' });
      expect(took(request), report).toBeLessThanOrEqual(CONNECT_TIMEOUT_S * 1000 + MARGIN_MS);
    }
    expect(lines(/unreachable/i).length - unreachableBefore, report).toBe(1);
    expect(lines(/recovered|reachable again/i).length - recoveredBefore, report).toBe(1);
    expect(recovery, report).toBeDefined();
    expect(recovery!, report).toBeLessThanOrEqual(RECOVERY_MS);
    expect(after.length, report).toBeGreaterThan(0);
    expect(after.every(ok), report).toBe(true);
  });

  it('comes back within 2 s of a restart under load, and no request hangs', async () => {
    const load = ledgerLoad();
    await waitFor(() => load.sent.filter(ok).length >= CLIENTS, 5_000);
    const restartingAt = performance.now();
    outages.push(restartingAt);
    await cluster.restart();
    const upAt = performance.now();
    const recovery = await recoveredAfter(load, upAt);
    // Then a second of requests that must all succeed.
    await sleep(Math.max(0, upAt + RECOVERY_MS + 1_000 - performance.now()));
    const sent = await load.stop();
    everything.push(...sent);

    const around = sent.filter((request) => request.end >= restartingAt && request.start < upAt + RECOVERY_MS);
    const after = sent.filter((request) => request.start >= upAt + RECOVERY_MS);
    const report = `restart took ${Math.round(upAt - restartingAt)} ms; around it: ${summary(around)}; recovered ${recovery === undefined ? 'never' : `${Math.round(recovery)} ms`} after; after: ${summary(after)}`;
    console.info(`[restart] ${report}`);

    expect(sent.filter((request) => request.status === 0), report).toEqual([]);
    for (const request of sent.filter((request) => !ok(request))) {
      // A restart during a COMMIT leaves its outcome unknown, and the answer says so.
      expect([{ status: 503, code: 'service_unavailable' }, { status: 500, code: 'commit_outcome_unknown' }], report).toContainEqual({
        status: request.status,
        code: request.code,
      });
      expect(took(request), report).toBeLessThanOrEqual(CONNECT_TIMEOUT_S * 1000 + MARGIN_MS);
    }
    expect(recovery, report).toBeDefined();
    expect(recovery!, report).toBeLessThanOrEqual(RECOVERY_MS);
    expect(after.length, report).toBeGreaterThan(0);
    expect(after.every(ok), report).toBe(true);
    // Every outage logged is followed by its recovery.
    expect(lines(/unreachable/i).length, report).toBe(lines(/recovered|reachable again/i).length);
  });

  it('leaves a ledger of exactly the 2xx requests, no session idle in transaction, and a live server', async () => {
    expect(everything.length).toBeGreaterThan(0);
    const rows = await ledgerDb<{ request_id: string }[]>`select request_id from ledger`;
    const written = new Set(rows.map((row) => row.request_id));
    const succeeded = everything.filter(ok);
    // commit_outcome_unknown may or may not have a row: that is what it says.
    const failed = everything.filter((request) => !ok(request) && request.code !== 'commit_outcome_unknown');
    const report = `${rows.length} rows; ${summary(everything)}`;
    const describe = (request: Sent) =>
      `${request.requestId}: ${request.status} ${request.code ?? ''} after ${Math.round(took(request))} ms, sent ${outages.map((at) => `${Math.round(request.start - at)} ms`).join(' / ')} after the stop / restart began`;
    expect(succeeded.filter((request) => !written.has(request.requestId)).map(describe), `2xx without a row (${report})`).toEqual([]);
    expect(failed.filter((request) => written.has(request.requestId)).map(describe), `a row without a 2xx (${report})`).toEqual([]);

    const idleInTransaction = async () => {
      const [row] = await cluster.sql`
        select count(*)::int as n from pg_stat_activity
        where datname = ${DATABASE} and state like 'idle in transaction%'`;
      return row!.n as number;
    };
    expect(await waitFor(async () => (await idleInTransaction()) === 0, 2_000), 'sessions idle in transaction').toBe(true);

    expect(await sendOne(server.url, { path: () => '/ping', method: 'GET', timeoutMs: 2_000 })).toMatchObject({ status: 200 });
    expect(await sendOne(server.url, { path: (id) => `/ledger/${id}`, timeoutMs: 2_000 })).toMatchObject({ status: 200 });
  });
});
