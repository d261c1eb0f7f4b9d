/**
 * The seed's "use a custom database" path: a project that wires getDbEngine
 * and getDbSession with its own startup, request_end and shutdown events and
 * never calls setDatabaseHooks.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Backendts } from '../../runtime/index.js';
import { call, createTestDatabase, PG, type TestDatabase } from './support.js';

describe.each(['postgres', 'pglite'] as const)('a project with its own database wiring on %s', (driver) => {
  let database: TestDatabase | undefined;
  let bp: Backendts;
  let url: string;

  beforeAll(async () => {
    if (driver === 'postgres') {
      database = await createTestDatabase();
      vi.stubEnv('CUSTOM_DB_DRIVER', 'postgres');
      vi.stubEnv('CUSTOM_DB_URL', `postgres://${PG.username}@${PG.host}:${PG.port}/${database.name}`);
    } else {
      vi.stubEnv('CUSTOM_DB_DRIVER', 'pglite');
      vi.stubEnv('CUSTOM_DB_URL', '');
    }
    vi.resetModules();
    ({ bp } = (await import('../../fixtures/db/custom/main.js')) as { bp: Backendts });
    vi.unstubAllEnvs();
    url = (await bp.listen({ port: 0, signals: false })).url;
    const engine = bp.context.db_engine;
    const ddl = 'create table greetings (id serial primary key, text text not null)';
    if (engine.driver === 'postgres') await engine.client.unsafe(ddl);
    else await engine.client.exec(ddl);
  });

  afterAll(async () => {
    await bp?.close();
    await database?.drop();
  });

  it('keeps what a handler commits and drops what it leaves uncommitted at request_end', async () => {
    expect((await call(`${url}/greetings`, 'POST', { text: 'kept' })).status).toBe(200);
    expect((await call(`${url}/greetings`, 'POST', { text: 'dropped', commit: 'no' })).status).toBe(200);
    const listed = await call(`${url}/hello-world`, 'GET');
    expect(listed.json.data).toEqual(['kept']);
    if (database) expect(await database.busy()).toBe(0);
  });

  it('closes the engine on shutdown', async () => {
    const engine = bp.context.db_engine;
    await bp.close();
    expect(engine.closed).toBe(true);
  });
});
