/**
 * A NUL byte in a value bound for the database is the client's bad input:
 * 400 bad_request, nothing logged as a server error, on PostgreSQL and PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNulByteError } from '../../runtime/db/faults.js';
import { call, createTestDatabase, databaseSection, serveShop, tag, type Shop, type TestDatabase } from './support.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe.each(['postgres', 'pglite'] as const)('a NUL byte on %s', (driver) => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await serveShop(databaseSection(driver, database.name));
  });

  afterAll(async () => {
    await shop?.close();
  });

  it.each([
    ['owner', { owner: 'nul\u0000owner' }],
    ['text', { owner: tag('nul'), text: 'a\u0000b' }],
  ])('in the %s answers 400 bad_request and logs nothing', async (_field, body) => {
    const reply = await call(`${shop.url}/notes`, 'POST', body);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 'bad_request', message: expect.stringContaining('NUL byte') });
    expect(shop.logger.errors).toEqual([]);
    // The request transaction was rolled back: the next request works.
    expect((await call(`${shop.url}/notes`, 'POST', { owner: tag('after') })).status).toBe(200);
  });

  it('is recognised in JSON too (\\u0000 in jsonb)', async () => {
    const engine = shop.bp.context.db_engine;
    const value = JSON.stringify({ note: 'a\u0000b' });
    const error = await (engine.driver === 'postgres'
      ? engine.client`select ${value}::jsonb`
      : engine.client.query('select $1::jsonb', [value])
    ).then(() => undefined, (thrown: unknown) => thrown);
    expect(isNulByteError(error)).toBe(true);
  });
});
