/**
 * backendts/testing's database per test worker: made on PostgreSQL from the
 * project's models, used by the project through DATABASE_URL, and dropped.
 */
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { setDatabaseHooks } from '../../runtime/db/index.js';
import { Backendts } from '../../runtime/index.js';
import { createTestClient, createTestDatabase } from '../../testing/index.js';
import { FIXTURES, PG, quietLogger, tag } from '../db/support.js';

const projectDir = path.join(FIXTURES, 'shop');
const admin = postgres({ ...PG, database: 'postgres', max: 1, onnotice: () => {} });
const before = process.env.DATABASE_URL;

afterAll(async () => {
  if (before === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = before;
  await admin.end();
});

async function exists(name: string): Promise<boolean> {
  return (await admin`select 1 from pg_database where datname = ${name}`).length === 1;
}

describe('createTestDatabase', () => {
  it("creates the worker's database with the models' tables, points the project at it, and drops it", async () => {
    const base = `dx_${tag('shop').replace(/-/g, '_')}`;
    process.env.DATABASE_URL = `postgres://${PG.username}@${PG.host}:${PG.port}/${base}`;
    const database = await createTestDatabase({ projectDir, worker: '3' });
    expect(database.name).toBe(`${base}_test_3`);
    expect(process.env.DATABASE_URL).toBe(database.url);
    expect(await exists(database.name)).toBe(true);

    const bp = new Backendts({ projectDir, logger: quietLogger() });
    setDatabaseHooks(bp, { log: () => {} });
    const client = createTestClient(bp);
    const created = await client.post('/users', { json: { username: 'ada' } });
    expect(created.status).toBe(201);
    const again = await client.post('/users', { json: { username: 'ada' } });
    expect(again.status).toBe(409);
    await bp.close();

    await database.drop();
    expect(await exists(database.name)).toBe(false);
    expect(process.env.DATABASE_URL).toBe(`postgres://${PG.username}@${PG.host}:${PG.port}/${base}`);
  });

  it('refuses a project on the embedded database, naming the config file', async () => {
    delete process.env.DATABASE_URL;
    await expect(createTestDatabase({ projectDir })).rejects.toMatchObject({
      code: 'BT_TEST_DATABASE_SERVER',
      message: expect.stringContaining('config.ini'),
    });
  });
});
