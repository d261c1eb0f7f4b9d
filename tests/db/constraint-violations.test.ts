/**
 * A constraint the database enforces is the client's to satisfy: a unique or
 * foreign-key violation answers 409 conflict, a not-null or check violation
 * 400 constraint_violation, naming the constraint and never the values; the
 * request transaction is rolled back and nothing is logged as a server error.
 * On PostgreSQL and PGlite, through real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constraintViolationOf } from '../../runtime/db/index.js';
import { stock } from '../../fixtures/db/shop/apps/store/db/models.js';
import { call, countNotes, serveShopOn, tag, type Shop } from './support.js';

describe.each(['postgres', 'pglite'] as const)('a constraint violation on %s', (driver) => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await serveShopOn(driver);
  });

  afterAll(async () => {
    await shop?.close();
  });

  /** Posts a stock line after a note of `owner`, and checks what every violation shares. */
  async function violate(owner: string, line: Record<string, unknown>, status: number) {
    const reply = await call(`${shop.url}/stock`, 'POST', { owner, ...line });
    expect(reply.status).toBe(status);
    expect(JSON.stringify(reply.json)).not.toContain(owner);
    // The note written before the violation went with the rollback, and the transaction was released.
    expect(await countNotes(shop, owner)).toBe(0);
    expect(shop.logger.errors).toEqual([]);
    return reply.json;
  }

  it('answers a duplicate key with 409 conflict naming the constraint, not the value', async () => {
    const sku = tag('sku');
    expect((await call(`${shop.url}/stock`, 'POST', { sku, quantity: 1 })).status).toBe(200);
    const json = await violate(tag('unique'), { sku, quantity: 2 }, 409);
    expect(json).toEqual({
      status: 'error',
      code: 'conflict',
      message: expect.any(String),
      data: { kind: 'unique', constraint: 'stock_pkey', table: 'stock' },
    });
    expect(JSON.stringify(json)).not.toContain(sku);
  });

  it('answers a missing referenced row with 409 conflict', async () => {
    const json = await violate(tag('fk'), { sku: tag('sku'), quantity: 1, added_by: 987654 }, 409);
    expect(json).toMatchObject({ code: 'conflict', data: { kind: 'foreign_key', constraint: 'stock_added_by_fkey', table: 'stock' } });
    expect(JSON.stringify(json)).not.toContain('987654');
  });

  it('answers a missing required value with 400 constraint_violation naming the column', async () => {
    const json = await violate(tag('not-null'), { sku: tag('sku'), quantity: null }, 400);
    expect(json).toMatchObject({ code: 'constraint_violation', data: { kind: 'not_null', table: 'stock', column: 'quantity' } });
  });

  it('answers a failed check with 400 constraint_violation naming the constraint', async () => {
    const json = await violate(tag('check'), { sku: tag('sku'), quantity: -3 }, 400);
    expect(json).toEqual({
      status: 'error',
      code: 'constraint_violation',
      message: expect.any(String),
      data: { kind: 'check', constraint: 'stock_quantity_check', table: 'stock' },
    });
    expect(JSON.stringify(json)).not.toContain('-3');
  });

  it('answers a deferred unique constraint that fails at COMMIT with 409', async () => {
    const reply = await call(`${shop.url}/codes`, 'POST', { codes: 'twice,twice' });
    expect(reply.status).toBe(409);
    expect(reply.json).toMatchObject({ code: 'conflict', data: { kind: 'unique', constraint: 'codes_code_unique', table: 'codes' } });
    expect(shop.logger.errors).toEqual([]);
  });

  it('keeps a violation whose error the handler swallowed a server error (the transaction is aborted)', async () => {
    const username = tag('taken');
    expect((await call(`${shop.url}/users`, 'POST', { username })).status).toBe(201);
    const reply = await call(`${shop.url}/misuse/unawaited-failure`, 'POST', { owner: tag('swallowed'), username });
    expect(reply.status).toBe(500);
    expect(reply.json.code).toBe('server_error');
    shop.logger.errors.length = 0;
  });

  it('reads the driver error itself with constraintViolationOf', async () => {
    const engine = shop.bp.context.db_engine;
    const sku = tag('sku');
    const insert = `insert into stock (sku, quantity) values ('${sku}', 1)`;
    await (engine.driver === 'postgres' ? engine.client.unsafe(insert) : engine.client.query(insert));
    const error = await (engine.driver === 'postgres' ? engine.client.unsafe(insert) : engine.client.query(insert)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(constraintViolationOf(error)).toEqual({ kind: 'unique', constraint: 'stock_pkey', table: 'stock' });
    // Through Drizzle, inside a savepoint, as a handler would catch it.
    const caught = await engine.db
      .transaction((tx) => tx.insert(stock).values({ sku, quantity: 1 }))
      .then(() => undefined, (thrown: unknown) => thrown);
    expect(caught).not.toBe(error);
    expect(constraintViolationOf(caught)).toEqual({ kind: 'unique', constraint: 'stock_pkey', table: 'stock' });
    expect(constraintViolationOf(new Error('not from the database'))).toBeUndefined();
  });
});
