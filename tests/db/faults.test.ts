/**
 * Faults on PostgreSQL: a server that cannot be reached at startup, a
 * database that goes away mid-request, and a request that holds its
 * transaction too long.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backendts } from '../../runtime/index.js';
import { formatError } from '../../runtime/core/errors.js';
import { setDatabaseHooks } from '../../runtime/db/index.js';
import { call, createTestDatabase, databaseSection, FIXTURES, holdRequests, quietLogger, serveShop, SHOP_SCHEMA, tag, type TestDatabase } from './support.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.sql.unsafe(SHOP_SCHEMA);
});

afterAll(async () => {
  await database?.drop();
});

function shopWith(databaseConfig: Record<string, string>): Backendts {
  const bp = new Backendts({
    projectDir: path.join(FIXTURES, 'shop'),
    config: { apps: { active: ['apps/store'] }, database: databaseConfig },
    logger: quietLogger(),
  });
  setDatabaseHooks(bp);
  return bp;
}

describe('startup', () => {
  it('fails naming host, port and database (never the password) when PostgreSQL cannot be reached', async () => {
    const bp = shopWith({ host: '127.0.0.1', port: '1', name: 'shop_db', username: 'postgres', password: 'hunter2-secret', connect_timeout: '2' });
    const error = await bp.listen({ port: 0, signals: false }).then(() => undefined, (thrown: unknown) => thrown);
    await bp.close();
    expect(error).toMatchObject({ code: 'BT_DB_UNREACHABLE' });
    const printed = formatError(error);
    expect(printed).toContain('"shop_db" on 127.0.0.1:1');
    expect(printed).toContain('hint:');
    expect(printed).not.toContain('hunter2');
  });

  it('says how to create a database that does not exist', async () => {
    const bp = shopWith({ host: '127.0.0.1', name: `${database.name}_missing`, username: 'postgres' });
    const error = await bp.listen({ port: 0, signals: false }).then(() => undefined, (thrown: unknown) => thrown);
    await bp.close();
    expect(error).toMatchObject({ code: 'BT_DB_MISSING', hint: expect.stringContaining('backendts create_db') });
  });
});

describe('a database lost mid-run', () => {
  it('answers 503 to the request it hit, then serves again once the database is back', async () => {
    const shop = await serveShop(databaseSection('postgres', database.name), { schema: false });
    try {
      const owner = tag('lost');
      const held = holdRequests(shop, [owner]);
      const reply = call(`${shop.url}/hold`, 'POST', { owner });
      await held.reached;
      await database.terminateAll();
      held.release();
      const lost = await reply;
      expect(lost.status).toBe(503);
      expect(lost.json.code).toBe('service_unavailable');
      const again = await call(`${shop.url}/notes`, 'POST', { owner: tag('back') });
      expect(again.status).toBe(200);
      expect(await database.busy()).toBe(0);
    } finally {
      await shop.close();
    }
  });
});

describe('transaction_timeout', () => {
  it('rolls back a request that holds its transaction too long and answers with an error', async () => {
    const shop = await serveShop(databaseSection('postgres', database.name, { transaction_timeout: '200ms' }), { schema: false });
    try {
      const owner = tag('slow');
      const held = holdRequests(shop, [owner]);
      const reply = call(`${shop.url}/hold`, 'POST', { owner });
      await held.reached;
      // Wait until the server has ended the transaction on its own.
      while ((await database.busy()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      held.release();
      expect((await reply).status).toBe(500);
      const [row] = await database.sql`select count(*)::int as n from notes where owner = ${owner}`;
      expect(row!.n).toBe(0);
      expect(shop.logger.errors.some((error) => String((error as Error)?.message ?? '').includes('transaction_timeout') || String((error as { cause?: Error })?.cause?.message ?? '').includes('transaction_timeout'))).toBe(true);
    } finally {
      await shop.close();
    }
  });
});
