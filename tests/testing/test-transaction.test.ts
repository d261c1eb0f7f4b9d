/**
 * backendts/testing's test transaction, on PostgreSQL and PGlite: the
 * requests of a test join it (each request transaction is a savepoint in
 * it), a failing request undoes only its own work, and everything is gone
 * after the rollback; once it is rolled back, requests commit as usual.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notes } from '../../fixtures/db/shop/apps/store/db/models.js';
import { beginTestTransaction, createTestClient, withTestTransaction, type TestClient } from '../../testing/index.js';
import { countNotes, createTestDatabase, databaseSection, shopProject, tag, type Shop, type TestDatabase } from '../db/support.js';

describe.each(['postgres', 'pglite'] as const)('a test transaction on %s', (driver) => {
  let database: TestDatabase | undefined;
  let shop: Omit<Shop, 'url' | 'close'>;
  let client: TestClient;

  beforeAll(async () => {
    if (driver === 'postgres') database = await createTestDatabase();
    shop = shopProject(databaseSection(driver, database?.name, { pool_timeout: '5s' }));
    client = createTestClient(shop.bp);
  });

  afterAll(async () => {
    await shop?.bp.close();
    await database?.drop();
  });

  const post = (route: string, json: unknown) => client.post(route, { json }).then(async (response) => ({ status: response.status, json: (await response.json()) as any }));

  it('shows the test every write of its requests, and keeps none of them after the rollback', async () => {
    const owner = tag('kept-in-test');
    const transaction = await beginTestTransaction(shop.bp);
    try {
      expect((await post('/notes', { owner })).status).toBe(200);
      const second = await post('/notes', { owner });
      expect(second.json.data.mine).toBe(2);
      const seen = await transaction.db.select().from(notes).where(eq(notes.owner, owner));
      expect(seen.map((note) => note.owner)).toEqual([owner, owner]);
    } finally {
      await transaction.rollback();
    }
    expect(await countNotes(shop, owner)).toBe(0);
  });

  it('undoes only the work of a request that fails', async () => {
    const owner = tag('partial');
    await withTestTransaction(shop.bp, async (db) => {
      expect((await post('/notes', { owner, text: 'kept' })).status).toBe(200);
      expect((await post('/notes', { owner, text: 'undone', fail: 'throw' })).status).toBe(500);
      const sku = tag('sku');
      expect((await post('/stock', { owner, sku, quantity: 1 })).status).toBe(200);
      expect((await post('/stock', { owner, sku, quantity: 1 })).status).toBe(409);
      const bodies = (await db.select().from(notes).where(eq(notes.owner, owner)).orderBy(notes.id)).map((note) => note.body);
      expect(bodies).toEqual(['kept', `stock ${sku}`]);
    });
    expect(await countNotes(shop, owner)).toBe(0);
  });

  it('lets requests see rows the test wrote, and queues concurrent requests', async () => {
    const owner = tag('seeded');
    await withTestTransaction(shop.bp, async (db) => {
      await db.insert(notes).values({ owner, body: 'seeded' });
      const replies = await Promise.all(Array.from({ length: 10 }, () => post('/notes', { owner })));
      expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
      expect(Math.max(...replies.map((reply) => reply.json.data.mine))).toBe(11);
    });
    expect(await countNotes(shop, owner)).toBe(0);
  });

  it('keeps read-only routes read-only and routes without a transaction inside it', async () => {
    const owner = tag('modes');
    await withTestTransaction(shop.bp, async () => {
      expect((await post('/read-only', { owner })).status).toBe(500);
      expect((await post('/notes', { owner })).json.data.mine).toBe(1);
      expect((await post('/no-transaction', { owner })).status).toBe(500);
      expect((await post('/notes', { owner })).json.data.mine).toBe(3);
    });
    expect(await countNotes(shop, owner)).toBe(0);
  });

  it('refuses a second test transaction on the project while one is open', async () => {
    const transaction = await beginTestTransaction(shop.bp);
    try {
      await expect(beginTestTransaction(shop.bp)).rejects.toMatchObject({ code: 'BT_TEST_TRANSACTION_OPEN' });
    } finally {
      await transaction.rollback();
      await transaction.rollback();
    }
  });

  it('commits requests as usual once the test transaction is rolled back', async () => {
    await withTestTransaction(shop.bp, () => post('/notes', { owner: tag('inside') }));
    const owner = tag('after');
    expect((await post('/notes', { owner })).status).toBe(200);
    expect(await countNotes(shop, owner)).toBe(1);
  });
});
