/**
 * The health routes and `engine.stats()` on PostgreSQL and PGlite, with the
 * pool full: `/health/live` never waits for a transaction slot, and
 * `/health/ready` reports the counts. On PostgreSQL its `select 1` runs on a
 * connection of its own (200 while the pool is full); on PGlite the one
 * connection is the pool, so it waits and says 503 after health_timeout.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNetworkingSettings } from '../../runtime/project/networking.js';
import { readDatabaseSettings } from '../../runtime/db/index.js';
import { Backendts } from '../../runtime/index.js';
import { recordingLogger, serveFaults, type FaultServer } from '../faults/support/serve.js';
import { waitFor } from '../faults/support/load.js';
import { createTestDatabase, databaseSection, type TestDatabase } from './support.js';

const PROJECT = { dir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/db/replicas'), app: 'apps/notes' };
const HEALTH_TIMEOUT_MS = 300;
const HOLD_MS = 1_500;

async function get(server: FaultServer, pathname: string): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${server.url}${pathname}`);
  return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

describe.each(['postgres', 'pglite'] as const)('health routes on %s', (driver) => {
  let database: TestDatabase | undefined;
  let server: FaultServer;

  beforeAll(async () => {
    if (driver === 'postgres') database = await createTestDatabase();
    server = await serveFaults(databaseSection(driver, database?.name, { pool_size: '1' }), {
      project: PROJECT,
      networking: { health: '/health/', health_timeout: `${HEALTH_TIMEOUT_MS}ms` },
    });
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('answers live at once and ready with the counts while every slot is held and one request waits', async () => {
    expect(server.bp.context.db_engine.stats()).toEqual({ total: 1, idle: 1, waiting: 0 });
    const holding = [get(server, `/hold/${HOLD_MS}`), get(server, `/hold/${HOLD_MS}`)];
    expect(await waitFor(() => server.bp.context.db_engine.stats().waiting === 1, 5_000)).toBe(true);
    expect(server.bp.context.db_engine.stats()).toEqual({ total: 1, idle: 0, waiting: 1 });

    const live = await get(server, '/health/live');
    expect(live).toMatchObject({ status: 200, body: { status: 'live' } });
    // Far less than the hold: live never waits for the pool.
    expect(live.ms).toBeLessThan(HOLD_MS / 3);

    const ready = await get(server, '/health/ready');
    if (driver === 'postgres') {
      expect(ready).toMatchObject({ status: 200, body: { status: 'ready', pool: { total: 1, idle: 0, waiting: 1 } } });
    } else {
      expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', pool: { total: 1, idle: 0, waiting: 1 } } });
      expect(ready.body.reason).toContain(`no answer within ${HEALTH_TIMEOUT_MS} ms`);
    }
    expect((await Promise.all(holding)).map((answer) => answer.status)).toEqual([200, 200]);
    expect(server.bp.context.db_engine.stats()).toEqual({ total: 1, idle: 1, waiting: 0 });
  }, 20_000);
});

describe('health routes without a database', () => {
  it('answers ready as soon as the project answers', async () => {
    const bp = new Backendts({ projectDir: PROJECT.dir, config: { apps: { active: [PROJECT.app] }, networking: { health: '/health' } }, logger: recordingLogger() });
    const listening = await bp.listen({ host: '127.0.0.1', port: 0, signals: false });
    try {
      const response = await fetch(`${listening.url}/health/ready`);
      expect([response.status, await response.json()]).toEqual([200, { status: 'ready' }]);
    } finally {
      await bp.close();
    }
  });
});

describe('health and replicas settings', () => {
  it('refuses replicas on the embedded database, naming the setting', () => {
    expect(() => readDatabaseSettings({ database: { path: 'memory://', replicas: '127.0.0.1:5433' } }, { projectDir: '/tmp' })).toThrow(
      expect.objectContaining({ code: 'BT_DB_SETTING_INVALID', message: expect.stringContaining('[database] replicas') }),
    );
  });

  it('reads one replica a line, as host:port with the primary\'s database and user, or as a URL', () => {
    const settings = readDatabaseSettings(
      { database: { host: 'primary', name: 'app', username: 'u', password: 'p', replicas: ['10.0.0.2:5433', 'replica3', 'postgres://r@10.0.0.4:6000/other'] } },
      { projectDir: '/tmp', environment: {} },
    );
    expect(settings.replicas.map(({ host, port, name, username, password }) => ({ host, port, name, username, password }))).toEqual([
      { host: '10.0.0.2', port: 5433, name: 'app', username: 'u', password: 'p' },
      { host: 'replica3', port: 5432, name: 'app', username: 'u', password: 'p' },
      { host: '10.0.0.4', port: 6000, name: 'other', username: 'r', password: undefined },
    ]);
    expect(() => readDatabaseSettings({ database: { host: 'h', name: 'app', replicas: 'not a host' } }, { projectDir: '/tmp', environment: {} })).toThrow(
      expect.objectContaining({ code: 'BT_DB_SETTING_INVALID', message: expect.stringContaining('"not a host"') }),
    );
  });

  it('reads health as a path prefix, off by default, with a 2 s deadline', () => {
    expect(readNetworkingSettings({})).toMatchObject({ health: undefined, healthTimeout: 2_000 });
    expect(readNetworkingSettings({ networking: { health: '/ops/health/' } })).toMatchObject({ health: '/ops/health' });
    expect(() => readNetworkingSettings({ networking: { health: 'health' } })).toThrow(expect.objectContaining({ code: 'BT_NETWORKING_SETTING' }));
  });
});
