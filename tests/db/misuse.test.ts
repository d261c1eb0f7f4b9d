/**
 * The request transaction under misuse and faults, on PostgreSQL and on the
 * embedded PGlite: statements not awaited, sent after the response or while
 * the commit runs; a connection lost inside a savepoint or during COMMIT; a
 * shutdown during a commit; a client that leaves while waiting for a
 * connection. Each answers as docs/database.md says, and the server keeps
 * serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestDatabase, databaseSection, holdRequests, serveShop, tag, type Shop, type TestDatabase } from './support.js';

/** Polls `check` every 20 ms until it is true, failing after `ms`. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('the condition did not come true in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function refusals(shop: Shop): unknown[] {
  return shop.logger.errors.filter((error) => (error as { code?: unknown } | undefined)?.code === 'BT_DB_SESSION_ENDED');
}

describe.each(['postgres', 'pglite'] as const)('misuse of the request handle on %s', (driver) => {
  let database: TestDatabase | undefined;
  let shop: Shop;

  beforeAll(async () => {
    if (driver === 'postgres') database = await createTestDatabase();
    shop = await serveShop(databaseSection(driver, database?.name));
  });

  afterAll(async () => {
    await shop?.close();
    await database?.drop();
  });

  async function bodiesOf(owner: string): Promise<string[]> {
    const engine = shop.bp.context.db_engine;
    const result = await engine.db.execute(`select body from notes where owner = '${owner}' order by id` as never);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { body: string }[];
    return rows.map((row) => row.body);
  }

  it('answers with an error and keeps nothing when a statement that was not awaited fails', async () => {
    const username = tag('taken');
    expect((await call(`${shop.url}/users`, 'POST', { username })).status).toBe(201);
    const owner = tag('unawaited');
    const reply = await call(`${shop.url}/misuse/unawaited-failure`, 'POST', { owner, username });
    expect(reply.status).toBe(500);
    expect(await bodiesOf(owner)).toEqual([]);
  });

  it('refuses a statement sent once the commit started, and commits what came before it', async () => {
    const owner = tag('after-return');
    const before = refusals(shop).length;
    const reply = await call(`${shop.url}/misuse/after-return`, 'POST', { owner });
    expect(reply.status).toBe(200);
    await eventually(() => refusals(shop).length > before);
    expect(await bodiesOf(owner)).toEqual(['first']);
  });

  it('logs a statement sent from a timer after the response, runs none of it, and keeps serving', async () => {
    const owner = tag('late');
    const before = refusals(shop).length;
    expect((await call(`${shop.url}/misuse/late`, 'POST', { owner })).status).toBe(200);
    await eventually(() => refusals(shop).length > before);
    expect(String((refusals(shop).at(-1) as Error).message)).toContain('POST /misuse/late');
    expect(await bodiesOf(owner)).toEqual(['on time']);
    expect((await call(`${shop.url}/ping`, 'GET')).status).toBe(200);
  });

  it('opens no transaction for a request whose client left while it waited for one', async () => {
    const narrow = await serveShop(databaseSection(driver, database?.name, { pool_size: '1' }), { schema: driver === 'pglite' });
    try {
      const holder = tag('holder');
      const held = holdRequests(narrow, [holder]);
      const first = call(`${narrow.url}/hold`, 'POST', { owner: holder });
      await held.reached;
      const begins = () => narrow.sql.filter((statement) => /^begin/i.test(statement)).length;
      expect(begins()).toBe(1);
      const leaving = new AbortController();
      const ghost = tag('ghost');
      const second = call(`${narrow.url}/notes`, 'POST', { owner: ghost }, leaving.signal).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 200));
      leaving.abort();
      await second;
      await new Promise((resolve) => setTimeout(resolve, 100));
      held.release();
      expect((await first).status).toBe(200);
      // The next request still gets the connection, and the one that left never began.
      expect((await call(`${narrow.url}/notes`, 'POST', { owner: tag('next') })).status).toBe(200);
      expect(begins()).toBe(2);
    } finally {
      await narrow.close();
    }
  });
});

describe('connection faults under the request transaction on postgres', () => {
  let database: TestDatabase;
  let shop: Shop;

  beforeAll(async () => {
    database = await createTestDatabase();
    shop = await serveShop(databaseSection('postgres', database.name));
    await database.sql.unsafe(`
      create table slow_commits (owner text not null);
      create function slow_commit() returns trigger language plpgsql as $$ begin perform pg_sleep(1); return null; end $$;
      create constraint trigger slow_commit after insert on slow_commits deferrable initially deferred for each row execute function slow_commit();
    `);
  });

  afterAll(async () => {
    await shop?.close();
    await database?.drop();
  });

  /** Terminates the backend running a statement that matches `pattern`, once it runs. */
  async function terminateWhenRunning(pattern: string): Promise<void> {
    let pid: number | undefined;
    await eventually(async () => {
      const rows = await database.admin`
        select pid from pg_stat_activity where datname = ${database.name} and state = 'active' and query ilike ${pattern}`;
      pid = rows[0]?.pid as number | undefined;
      return pid !== undefined;
    });
    await database.admin`select pg_terminate_backend(${pid!})`;
  }

  async function slowCommitsOf(owner: string): Promise<number> {
    const [row] = await database.sql`select count(*)::int as n from slow_commits where owner = ${owner}`;
    return row!.n as number;
  }

  it('answers 503 and keeps serving when the connection dies inside a savepoint', async () => {
    const reply = call(`${shop.url}/misuse/savepoint-sleep`, 'POST', {});
    await terminateWhenRunning('%pg_sleep%');
    const lost = await reply;
    expect(lost.status).toBe(503);
    expect(lost.json.code).toBe('service_unavailable');
    expect((await call(`${shop.url}/notes`, 'POST', { owner: tag('after') })).status).toBe(200);
  });

  it('answers 503, not a success, when the handler caught the savepoint\'s lost connection', async () => {
    const reply = call(`${shop.url}/misuse/savepoint-sleep-caught`, 'POST', {});
    await terminateWhenRunning('%pg_sleep%');
    expect((await reply).status).toBe(503);
    expect((await call(`${shop.url}/ping`, 'GET')).status).toBe(200);
  });

  it('answers commit_outcome_unknown, without retry-after, when the connection dies during COMMIT', async () => {
    const owner = tag('unknown');
    const reply = fetch(`${shop.url}/misuse/slow-commit`, {
      method: 'POST',
      body: JSON.stringify({ owner }),
      headers: { 'content-type': 'application/json' },
    });
    await terminateWhenRunning('commit%');
    const response = await reply;
    expect(response.status).toBe(500);
    expect(response.headers.get('retry-after')).toBeNull();
    const json = (await response.json()) as { code: string; message: string };
    expect(json.code).toBe('commit_outcome_unknown');
    expect(json.message).toContain('may or may not');
    expect(String((shop.logger.errors.at(-1) as Error | undefined)?.message ?? '')).not.toContain('rolled back');
  });

  it('lets a request whose commit started finish and answer when the server shuts down', async () => {
    const closing = await serveShop(databaseSection('postgres', database.name), { schema: false });
    const owner = tag('shutdown');
    const reply = call(`${closing.url}/misuse/slow-commit`, 'POST', { owner });
    await eventually(async () => {
      const rows = await database.admin`
        select 1 from pg_stat_activity where datname = ${database.name} and state = 'active' and query ilike 'commit%'`;
      return rows.length > 0;
    });
    await closing.bp.close({ timeout: 100 });
    const answered = await reply;
    expect(answered.status).toBe(200);
    expect(await slowCommitsOf(owner)).toBe(1);
  });

  it('commits the work of a client that leaves once COMMIT was sent (it cannot be taken back)', async () => {
    const owner = tag('gone-during-commit');
    const leaving = new AbortController();
    const reply = call(`${shop.url}/misuse/slow-commit`, 'POST', { owner }, leaving.signal).catch((error: unknown) => error);
    await eventually(async () => {
      const rows = await database.admin`
        select 1 from pg_stat_activity where datname = ${database.name} and state = 'active' and query ilike 'commit%'`;
      return rows.length > 0;
    });
    leaving.abort();
    await reply;
    await eventually(async () => (await slowCommitsOf(owner)) === 1);
  });
});
