/**
 * Read replicas against a real streaming replica: a throwaway primary and a
 * `pg_basebackup -R` copy of it, both on free ports. Each route answers
 * `pg_is_in_recovery()`, so the test sees which server ran its statements.
 * The health routes are checked here too, on the same pair: the primary is
 * stopped last, for the 503.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../tools/postgres/cluster.js';
import { serveFaults, type FaultServer } from './support/serve.js';
import { waitFor } from './support/load.js';

const DATABASE = 'app';
const PROJECT = { dir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/db/replicas'), app: 'apps/notes' };

let primary: Cluster;
let replica: Cluster;
let server: FaultServer;
/** The primary's `app` database, for checking what was written. */
let appDb: postgres.Sql;

beforeAll(async () => {
  primary = await startCluster();
  appDb = await primary.createDatabase(DATABASE);
  await appDb.unsafe('create table notes (id serial primary key, body text not null)');
  replica = await startCluster({ replicaOf: primary });
  server = await serveFaults(
    primary.databaseSection(DATABASE, { pool_size: '3', connect_timeout: '2', replicas: `127.0.0.1:${replica.port}` }),
    { project: PROJECT, networking: { health: '/health', health_timeout: '1' } },
  );
}, 60_000);

afterAll(async () => {
  await server?.close();
  await replica?.destroy();
  await primary?.destroy();
});

/** An error and its causes, as one line each: the request log wraps the framework's error. */
function chain(error: unknown): string {
  const lines: string[] = [];
  for (let at = error; at instanceof Error; at = (at as { cause?: unknown }).cause) lines.push(`${(at as { code?: string }).code ?? ''} ${at.message}`);
  return lines.join('\n');
}

async function get(pathname: string, method = 'GET'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${pathname}`, { method });
  return { status: response.status, body: await response.json() };
}

describe('read replicas', () => {
  it('runs read-only routes and db_session({ replica: true }) on the replica, the rest on the primary', async () => {
    expect(await get('/read-only')).toMatchObject({ status: 200, body: { data: { replica: true } } });
    expect(await get('/ask-replica')).toMatchObject({ status: 200, body: { data: { replica: true } } });
    expect(await get('/read-write')).toMatchObject({ status: 200, body: { data: { replica: false } } });
    expect(await get('/read-only-primary')).toMatchObject({ status: 200, body: { data: { replica: false } } });
  });

  it('keeps a request on the primary after it wrote, so it reads its own write', async () => {
    const answer = await get('/write-then-read/mine', 'POST');
    expect(answer).toMatchObject({ status: 200, body: { data: { replica: false, found: 'mine' } } });
  });

  it('refuses a write in a transaction that asked for a replica, naming the error', async () => {
    expect(await get('/read-then-write', 'POST')).toMatchObject({ status: 500, body: { code: 'server_error' } });
    const logged = server.logs.find((line) => line.error instanceof Error && /BT_DB_REPLICA_WRITE/.test(chain(line.error)));
    expect(logged, server.logs.map((line) => line.message).join('\n')).toBeDefined();
    expect(chain(logged!.error)).toContain('read-only transaction for reading from a replica');
    expect(await appDb`select count(*)::int as n from notes where body = 'never'`).toEqual([{ n: 0 }]);
  });

  it('counts the replica in engine.stats()', () => {
    const stats = server.bp.context.db_engine.stats();
    expect(stats).toMatchObject({ total: 3, idle: 3, waiting: 0, replicas: [{ replica: `127.0.0.1:${replica.port}`, down: false, total: 3, idle: 3, waiting: 0 }] });
  });

  it('reads from the primary while the replica is down, and logs it once', async () => {
    await replica.stop();
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await get('/read-only'));
      expect(answers.map((answer) => [answer.status, answer.body.data?.replica])).toEqual(Array(5).fill([200, false]));
      const outage = server.logs.filter((line) => /PostgreSQL replica .* is unreachable/.test(line.message));
      expect(outage).toHaveLength(1);
      expect(outage[0]!.message).toContain('its reads go to the primary');
      expect(server.bp.context.db_engine.stats().replicas?.[0]?.down).toBe(true);
    } finally {
      await replica.start();
    }
    // Tried again once per retry interval: back on the replica without a restart.
    await waitFor(async () => (await get('/read-only')).body.data?.replica === true, 10_000);
    expect(server.logs.filter((line) => /PostgreSQL replica .* is reachable again/.test(line.message))).toHaveLength(1);
  }, 20_000);
});

describe('health routes', () => {
  it('answers live and ready with the pool counts', async () => {
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'live' } });
    const ready = await get('/health/ready');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', pool: { total: 3, idle: 3, waiting: 0 } } });
  });

  it('answers ready with 503 once the primary is stopped, and live still with 200', async () => {
    await primary.stop();
    const started = performance.now();
    const ready = await get('/health/ready');
    const took = performance.now() - started;
    expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', pool: { total: 3 } } });
    expect(took).toBeLessThan(1_000 + 750);
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'live' } });
  });
});
