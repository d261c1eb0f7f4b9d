/**
 * backendts/testing's database per test worker, made from the project's
 * models: on PostgreSQL a database the project reaches through DATABASE_URL,
 * on the embedded database the data folder its config names; then removed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

  it('makes the embedded database in the data folder the config names for the worker, serves from it, and removes it', async () => {
    delete process.env.DATABASE_URL;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'backendts-shop-test-'));
    process.env.BACKENDTS_SHOP_TEST_DIR = dir;
    try {
      const database = await createTestDatabase({ projectDir, env: 'embedded-test' });
      const folder = path.join(dir, `worker-${process.env.VITEST_POOL_ID ?? '0'}`);
      expect(database.name).toBe(folder);
      expect(database.url).toBe(pathToFileURL(folder).href);
      expect(existsSync(path.join(folder, 'PG_VERSION'))).toBe(true);

      const bp = new Backendts({ projectDir, env: 'embedded-test', logger: quietLogger() });
      setDatabaseHooks(bp, { log: () => {} });
      const client = createTestClient(bp);
      expect((await client.post('/users', { json: { username: 'ada' } })).status).toBe(201);
      expect((await client.post('/users', { json: { username: 'ada' } })).status).toBe(409);
      await bp.close();

      await database.drop();
      expect(existsSync(folder)).toBe(false);
    } finally {
      delete process.env.BACKENDTS_SHOP_TEST_DIR;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an in-memory embedded database, naming the config file and a per-worker folder to use', async () => {
    delete process.env.DATABASE_URL;
    await expect(createTestDatabase({ projectDir })).rejects.toMatchObject({
      code: 'BT_TEST_DATABASE_MEMORY',
      message: expect.stringContaining('config.ini'),
      hint: expect.stringContaining('${VITEST_POOL_ID:-0}'),
    });
  });
});
