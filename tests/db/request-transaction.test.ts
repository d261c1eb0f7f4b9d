/**
 * The request-scoped transaction through real HTTP, on PostgreSQL and on the
 * embedded PGlite: commit, rollback, failed commit, concurrency, client
 * aborts, savepoints, onCommit, read-only and transaction-less routes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbEngine, getDbSession, onCommit, type DbEngine } from '../../runtime/db/index.js';
import { notes } from '../../fixtures/db/shop/apps/store/db/models.js';
import { createTestDatabase, databaseSection, call, deferred, holdRequests, serveShop, tag, type Shop, type TestDatabase } from './support.js';

describe.each(['postgres', 'pglite'] as const)('the request transaction on %s', (driver) => {
  let database: TestDatabase | undefined;
  let shop: Shop;
  // Only the release of a held request (or the pool) is awaited between steps.
  const concurrency = driver === 'postgres' ? 200 : 50;

  beforeAll(async () => {
    if (driver === 'postgres') database = await createTestDatabase();
    shop = await serveShop(databaseSection(driver, database?.name, { pool_timeout: '3s' }));
  });

  afterAll(async () => {
    await shop?.close();
    await database?.drop();
  });

  /** Nothing left open: no busy server connection, and the embedded database free for a new statement. */
  async function expectNothingHeld(): Promise<void> {
    if (database) {
      expect(await database.busy()).toBe(0);
    } else {
      const engine = shop.bp.context.db_engine;
      // PGlite runs statements one at a time: this waits behind any transaction still open.
      const free = engine.driver === 'pglite' ? engine.client.query('select 1').then(() => true) : Promise.resolve(true);
      const leaked = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000).unref());
      expect(await Promise.race([free, leaked])).toBe(true);
    }
  }

  async function countNotes(owner: string): Promise<number> {
    const engine = shop.bp.context.db_engine;
    const result = await engine.db.execute(`select count(*)::int as n from notes where owner = '${owner}'` as never);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number }[];
    return rows[0]!.n;
  }

  it('commits a write that later requests see', async () => {
    const owner = tag('commit');
    const created = await call(`${shop.url}/notes`, 'POST', { owner, text: 'hello' });
    expect(created.status).toBe(200);
    expect(created.json.data.mine).toBe(1);
    expect(await countNotes(owner)).toBe(1);
    await expectNothingHeld();
  });

  it('keeps no row when the handler throws after writing', async () => {
    const owner = tag('throw');
    expect((await call(`${shop.url}/notes`, 'POST', { owner, fail: 'throw' })).status).toBe(500);
    expect((await call(`${shop.url}/notes`, 'POST', { owner, fail: 'exception' })).status).toBe(400);
    expect(await countNotes(owner)).toBe(0);
    await expectNothingHeld();
  });

  it('answers with an error, not a success, when the commit fails', async () => {
    const failed = await call(`${shop.url}/codes`, 'POST', { codes: 'same,same' });
    expect(failed.status).toBe(409);
    expect(failed.json).toMatchObject({ status: 'error', code: 'conflict' });
    const ok = await call(`${shop.url}/codes`, 'POST', { codes: 'one,two' });
    expect(ok.status).toBe(200);
    const engine = shop.bp.context.db_engine;
    const result = await engine.db.execute(`select code from codes order by code` as never);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { code: string }[];
    expect(rows.map((row) => row.code)).toEqual(['one', 'two']);
    await expectNothingHeld();
  });

  it(`gives ${concurrency} concurrent requests a transaction each, seeing only their own writes`, async () => {
    const owners = Array.from({ length: concurrency }, (_, i) => tag(`concurrent${i}`));
    const replies = await Promise.all(owners.map((owner) => call(`${shop.url}/notes`, 'POST', { owner })));
    expect(replies.map((reply) => reply.status)).toEqual(owners.map(() => 200));
    expect(replies.every((reply) => reply.json.data.mine === 1)).toBe(true);
    expect(new Set(replies.map((reply) => reply.json.data.txid)).size).toBe(concurrency);
    for (const owner of owners.slice(0, 5)) expect(await countNotes(owner)).toBe(1);
    await expectNothingHeld();
  });

  it('rolls back and releases when the client leaves mid-handler', async () => {
    const owner = tag('abort');
    const reached = deferred();
    const ended = deferred();
    shop.bp.context.probe = async (which) => {
      if (which !== owner) return;
      const signal = shop.bp.getCurrentRequest().signal;
      reached.resolve();
      // Go on only once the server has seen the client leave.
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    };
    shop.bp.event('request_end', ({ request }) => {
      if ((request.body as { owner?: string } | undefined)?.owner === owner) ended.resolve();
    });
    const controller = new AbortController();
    const reply = call(`${shop.url}/hold`, 'POST', { owner }, controller.signal).catch((error: unknown) => error);
    await reached.promise;
    controller.abort();
    expect(await reply).toBeInstanceOf(Error);
    await ended.promise;
    expect(await countNotes(owner)).toBe(0);
    await expectNothingHeld();
  });

  it('serves the seed\'s /users/<identifier> by id and by username', async () => {
    const username = tag('ada');
    const created = await call(`${shop.url}/users`, 'POST', { username });
    expect(created.status).toBe(201);
    const byName = await call(`${shop.url}/users/${username}`, 'GET');
    expect(byName.status).toBe(200);
    expect(byName.json.data).toMatchObject({ username, first_name: 'Ada', last_name: 'Lovelace' });
    const byId = await call(`${shop.url}/users/${created.json.data.id}`, 'GET');
    expect(byId.json.data.username).toBe(username);
    expect((await call(`${shop.url}/users/nobody-${username}`, 'GET')).status).toBe(404);
  });

  it('runs relational queries through the schema\'s relations', async () => {
    const created = await call(`${shop.url}/users`, 'POST', { username: tag('rel') });
    const id = created.json.data.id as number;
    const engine = shop.bp.context.db_engine;
    await engine.db.execute(`insert into notes (owner, body, user_id) values ('rel', 'first', ${id}), ('rel', 'second', ${id})` as never);
    const reply = await call(`${shop.url}/users/${id}/notes`, 'GET');
    expect(reply.status).toBe(200);
    expect(reply.json.data.notes.map((note: { body: string }) => note.body).sort()).toEqual(['first', 'second']);
  });

  it('sends no SQL for a request that never calls db_session', async () => {
    const before = shop.sql.length;
    expect((await call(`${shop.url}/ping`, 'GET')).status).toBe(200);
    expect(shop.sql.length).toBe(before);
    await call(`${shop.url}/notes`, 'POST', { owner: tag('echo') });
    const sent = shop.sql.slice(before).map((line) => line.toLowerCase());
    expect(sent.some((line) => line.startsWith('begin') || line.includes('set transaction isolation level read committed'))).toBe(true);
    expect(sent.some((line) => line.startsWith('insert into "notes"'))).toBe(true);
    expect(shop.sql.some((line) => line.includes('not-the-real-one'))).toBe(false);
  });

  it('undoes a failed nested transaction alone (a savepoint) and commits the rest', async () => {
    const owner = tag('savepoint');
    const reply = await call(`${shop.url}/savepoints`, 'POST', { owner });
    expect(reply.status).toBe(200);
    expect(reply.json.data).toEqual(['before', 'kept', 'nested kept', 'after']);
    expect(await countNotes(owner)).toBe(4);
    await expectNothingHeld();
  });

  it('runs onCommit callbacks after a commit and never after a rollback', async () => {
    const kept = tag('callback');
    const dropped = tag('callback');
    expect((await call(`${shop.url}/on-commit`, 'POST', { owner: kept })).status).toBe(200);
    expect((await call(`${shop.url}/on-commit`, 'POST', { owner: dropped, fail: 'throw' })).status).toBe(500);
    const committed = (await call(`${shop.url}/committed`, 'GET')).json.data as string[];
    expect(committed).toContain(kept);
    expect(committed).not.toContain(dropped);
  });

  it('refuses writes on a read-only route', async () => {
    const owner = tag('read-only');
    expect((await call(`${shop.url}/read-only`, 'POST', { owner })).status).toBe(500);
    expect(await countNotes(owner)).toBe(0);
    await expectNothingHeld();
  });

  it('commits each statement on its own on a route without a transaction', async () => {
    const owner = tag('plain');
    expect((await call(`${shop.url}/no-transaction`, 'POST', { owner })).status).toBe(500);
    expect(await countNotes(owner)).toBe(1);
    await expectNothingHeld();
  });

  it('answers 503 when no transaction can start within pool_timeout, then recovers', async () => {
    const holders = Array.from({ length: driver === 'postgres' ? 10 : 1 }, () => tag('holder'));
    const held = holdRequests(shop, holders);
    const replies = holders.map((owner) => call(`${shop.url}/hold`, 'POST', { owner }));
    await held.reached;
    const waited = await call(`${shop.url}/notes`, 'POST', { owner: tag('waiting') });
    expect(waited.status).toBe(503);
    expect(waited.json.code).toBe('service_unavailable');
    held.release();
    expect((await Promise.all(replies)).map((reply) => reply.status)).toEqual(holders.map(() => 200));
    expect((await call(`${shop.url}/notes`, 'POST', { owner: tag('after') })).status).toBe(200);
    await expectNothingHeld();
  });

  it('refuses db_session() outside of a request', () => {
    expect(() => shop.bp.context.db_session()).toThrow(expect.objectContaining({ code: 'BT_NO_REQUEST' }));
  });

  describe('getDbSession with a scope of its own', () => {
    const scopes = new AsyncLocalStorage<object | string>();
    const session = () => getDbSession(shop.bp.context.db_engine, () => scopes.getStore());
    const inScope = <T>(key: object | string, fn: () => Promise<T>) => scopes.run(key, fn);

    it('sends nothing until the first statement and hands out one handle per scope', async () => {
      const db_session = session();
      await inScope({}, async () => {
        const before = shop.sql.length;
        const first = db_session();
        expect(db_session()).toBe(first);
        expect(db_session.isActive()).toBe(false);
        expect(shop.sql.length).toBe(before);
        await first.select().from(notes).limit(1);
        expect(db_session.isActive()).toBe(true);
        expect(shop.sql.length).toBeGreaterThan(before);
        await db_session.remove();
      });
    });

    it('keeps a scope\'s uncommitted writes from other scopes, and commits or rolls back each scope alone', async () => {
      const db_session = session();
      const owner = tag('scoped');
      const kept = tag('scoped');
      const a = {};
      const b = {};
      // Statements run in the scope they are awaited in, so each is awaited inside its scope.
      await inScope(a, async () => {
        await db_session().insert(notes).values({ owner, body: 'uncommitted' });
      });
      // On PGlite this read waits for scope a's transaction to end: transactions queue, never interleave.
      const seenByB = inScope(b, async () => await db_session().select().from(notes).where(eq(notes.owner, owner)));
      await inScope(a, () => db_session.rollback());
      expect(await seenByB).toEqual([]);
      await inScope(b, async () => {
        await db_session().insert(notes).values({ owner: kept, body: 'committed' });
        await db_session.commit();
      });
      await db_session.remove(a);
      await db_session.remove(b);
      expect(await countNotes(owner)).toBe(0);
      expect(await countNotes(kept)).toBe(1);
      await expectNothingHeld();
    });

    it('refuses statements after the scope was removed, except for a plain key that starts over', async () => {
      const db_session = session();
      const request = {};
      const db = await inScope(request, async () => {
        const handle = db_session();
        await handle.select().from(notes).limit(1);
        await db_session.remove();
        return handle;
      });
      const refused = await inScope(request, async () => await db.select().from(notes).limit(1)).then(() => undefined, (error: unknown) => error);
      expect(refused).toMatchObject({ cause: expect.objectContaining({ code: 'BT_DB_SESSION_ENDED' }) });
      await inScope('main', async () => {
        await db_session().select().from(notes).limit(1);
        await db_session.remove();
        await db_session().select().from(notes).limit(1);
        await db_session.remove();
      });
      await expectNothingHeld();
    });

    it.runIf(driver === 'postgres')('prepares each statement once per connection, in savepoints too, unless [database] prepare is off', async () => {
      /** How many times each query below is among the connection's prepared statements, after sending each twice. */
      const timesPrepared = async (engine: DbEngine): Promise<number[]> => {
        const db_session = getDbSession(engine, () => scopes.getStore());
        return inScope({}, async () => {
          const db = db_session();
          const byOwner = () => db.select({ id: notes.id }).from(notes).where(eq(notes.owner, 'prepared-statement-probe'));
          const byBody = () => db.select({ id: notes.id }).from(notes).where(eq(notes.body, 'prepared-statement-probe'));
          await byOwner();
          await byOwner();
          // In a savepoint and in one nested in it, where Drizzle talks to postgres.js directly.
          await db.transaction(async (tx) => {
            await tx.select({ id: notes.id }).from(notes).where(eq(notes.body, 'prepared-statement-probe'));
            await tx.transaction(async (deeper) => {
              await deeper.select({ id: notes.id }).from(notes).where(eq(notes.body, 'prepared-statement-probe'));
            });
          });
          // pg_prepared_statements lists the named statements of the session asking: the request's connection.
          const rows = (await db.execute(sql`select statement from pg_prepared_statements`)) as unknown as { statement: string }[];
          await db_session.remove();
          return [byOwner().toSQL().sql, byBody().toSQL().sql].map((text) => rows.filter((row) => row.statement === text).length);
        });
      };
      expect(await timesPrepared(shop.bp.context.db_engine)).toEqual([1, 1]);
      const unprepared = await getDbEngine(
        { database: databaseSection('postgres', database!.name, { password: '', prepare: 'false' }) },
        { schema: { notes } },
      );
      try {
        expect(await timesPrepared(unprepared)).toEqual([0, 0]);
      } finally {
        await unprepared.close();
      }
    });

    it('refuses a scope function that finds no scope, and onCommit on a handle that is not a session', () => {
      const db_session = session();
      expect(() => db_session()).toThrow(expect.objectContaining({ code: 'BT_NO_REQUEST' }));
      expect(() => onCommit(shop.bp.context.db_engine.db, () => {})).toThrow(expect.objectContaining({ code: 'BT_DB_NOT_A_SESSION' }));
    });
  });
});
