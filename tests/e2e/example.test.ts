/**
 * The example project (fixtures/example), end to end: the real CLI
 * (codegen, create_db, init_project, run) and a real server process, on
 * PostgreSQL and on the embedded PGlite default.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, request, runCliOk, startServer, typeCheck, type RunningServer } from './support/cli.js';
import { databaseExists } from './support/databases.js';
import { copyFixture, DRIVERS, E2E_TIMEOUT, expectCleanStop, removeDir, testDatabase, transactionsLeftOpen, type Driver } from './support/projects.js';

describe.each(DRIVERS)('the example project on %s', { timeout: E2E_TIMEOUT }, (driver: Driver) => {
  let projectDir = '';
  const db = testDatabase(driver, () => path.join(projectDir, '.backendts', 'db'));
  // config.pg.ini reads the database name from BACKENDTS_EXAMPLE_DB, so each run gets its own.
  const env = driver === 'postgres' ? { BACKENDTS_ENV: 'pg', BACKENDTS_EXAMPLE_DB: db.name } : {};
  let server: RunningServer | undefined;

  beforeAll(() => {
    assertBuilt();
    projectDir = copyFixture('example');
  });

  afterAll(async () => {
    if (server) await server.stop();
    await db.drop();
    removeDir(projectDir);
  });

  it('generates one schema holding the tables of accounts and blog', async () => {
    await runCliOk(['codegen'], { cwd: projectDir, env });
    const schema = readFileSync(path.join(projectDir, '.backendts', 'schema.ts'), 'utf8');
    for (const name of ['users', 'posts', 'comments', 'postsRelations']) expect(schema).toContain(name);
  });

  // Once is enough: the types do not depend on the engine.
  it.runIf(driver === 'pglite')('type-checks against the built package, db_session() typed by the generated schema', async () => {
    const result = await typeCheck(projectDir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('creates the database and its tables with create_db', async () => {
    if (db.name) expect(await databaseExists(db.name)).toBe(false);
    await runCliOk(['create_db'], { cwd: projectDir, env });
    if (db.name) expect(await databaseExists(db.name)).toBe(true);
    else expect(existsSync(path.join(projectDir, '.backendts', 'db'))).toBe(true);
    if (driver === 'postgres') {
      const tables = await db.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      expect(tables.map((row) => row.table_name)).toEqual(['comments', 'posts', 'users']);
    }
  });

  it('creates the admin user with init_project, run from another folder with --project', async () => {
    // The init function opens its own engine: the embedded database must still be the project's.
    await runCliOk(['init_project', '--project', projectDir], { cwd: path.dirname(projectDir), env });
    expect(existsSync(path.join(path.dirname(projectDir), '.backendts'))).toBe(false);
    if (driver === 'postgres') {
      // Safe to run again: the second run finds the admin and adds nothing.
      await runCliOk(['init_project'], { cwd: projectDir, env });
      const admins = await db.query<{ username: string; first_name: string }>('select username, first_name from users');
      expect(admins).toEqual([{ username: 'admin', first_name: 'Admin' }]);
    }
  });

  it('serves the apps and prints the URLs to try', async () => {
    server = await startServer({ cwd: projectDir, env });
    const hello = await request(`${server.url}/hello-world`);
    expect(hello.status).toBe(200);
    expect(hello.text).toBe('Hello World!');
    expect(hello.contentType).toMatch(/^text\/plain/);
    expect(server.output().stdout).toContain('/hello-world');
  });

  it('creates a user over HTTP and reads it back by id and by username', async () => {
    const created = await request(`${server!.url}/users`, {
      json: { username: 'ada', first_name: 'Ada', last_name: 'Lovelace' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'success', data: { username: 'ada', first_name: 'Ada' } });
    const id = created.body.data.id as number;
    expect(Number.isInteger(id)).toBe(true);

    const byId = await request(`${server!.url}/users/${id}`);
    expect(byId.status).toBe(200);
    expect(byId.body.data).toMatchObject({ id, username: 'ada', last_name: 'Lovelace' });
    const byName = await request(`${server!.url}/users/ada`);
    expect(byName.body.data.id).toBe(id);

    if (driver === 'postgres') {
      const rows = await db.query<{ first_name: string }>('select first_name from users where id = $1', [id]);
      expect(rows).toEqual([{ first_name: 'Ada' }]);
    }
  });

  it('answers invalid, duplicate and unknown users with JSON errors', async () => {
    const invalid = await request(`${server!.url}/users`, { json: { first_name: 'x'.repeat(51) } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ status: 'error', code: 'invalid_data' });

    const duplicate = await request(`${server!.url}/users`, { json: { username: 'ada' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ status: 'error', code: 'username_taken' });

    const missing = await request(`${server!.url}/users/nobody`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', code: 'user_not_found' });
    // Too long for an id: looked up as a username, not a query that fails.
    expect((await request(`${server!.url}/users/99999999999`)).status).toBe(404);
  });

  it('runs the hello app\'s hook on the user_created event fired by accounts', async () => {
    await request(`${server!.url}/users`, { json: { username: 'grace', first_name: 'Grace' } });
    expect(server!.output().stdout).toContain('hello: welcome, Grace!');
  });

  it('creates users from concurrent requests, each in its own transaction', async () => {
    const names = Array.from({ length: 12 }, (_, index) => `reader${index}`);
    const responses = await Promise.all(names.map((username) => request(`${server!.url}/users`, { json: { username } })));
    expect(responses.map((response) => response.status)).toEqual(names.map(() => 201));
    const ids = new Set(responses.map((response) => response.body.data.id as number));
    expect(ids.size).toBe(names.length);
  });

  it('creates posts and comments and lists them page by page with authors and comments', async () => {
    const author = (await request(`${server!.url}/users/ada`)).body.data.id as number;
    const first = await request(`${server!.url}/posts`, { json: { author_id: author, title: 'First post', body: 'Hi' } });
    expect(first.status).toBe(201);
    const second = await request(`${server!.url}/posts`, { json: { author_id: author, title: 'Second post' } });
    expect(second.status).toBe(201);
    const comment = await request(`${server!.url}/posts/${first.body.data.id}/comments`, {
      json: { author_id: author, body: 'Nice' },
    });
    expect(comment.status).toBe(201);
    const orphan = await request(`${server!.url}/posts/999999/comments`, { json: { author_id: author, body: 'Lost' } });
    expect(orphan.status).toBe(404);

    const page1 = await request(`${server!.url}/posts?page=1&size=1`);
    expect(page1.status).toBe(200);
    expect(page1.body.data).toMatchObject({ page: 1, size: 1, total: 2 });
    expect(page1.body.data.items).toHaveLength(1);
    expect(page1.body.data.items[0]).toMatchObject({ title: 'Second post', author: { username: 'ada' }, comments: [] });
    const page2 = await request(`${server!.url}/posts?page=2&size=1`);
    expect(page2.body.data.items[0]).toMatchObject({ title: 'First post', comments: [{ body: 'Nice' }] });

    const tooBig = await request(`${server!.url}/posts?size=1000`);
    expect(tooBig.status).toBe(400);
  });

  it('rolls back the post written by POST /posts/fail and leaks nothing to the client', async () => {
    const author = (await request(`${server!.url}/users/ada`)).body.data.id as number;
    const failed = await request(`${server!.url}/posts/fail`, { json: { author_id: author, title: 'Never saved' } });
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ status: 'error', code: 'server_error' });
    expect(failed.text).not.toContain('was written');

    const listed = await request(`${server!.url}/posts?size=100`);
    expect(listed.body.data.total).toBe(2);
    if (driver === 'postgres') {
      expect(await db.query('select id from posts where title = $1', ['Never saved'])).toEqual([]);
      // Every request's transaction has ended: nothing holds a transaction open.
      expect(await transactionsLeftOpen(db)).toBe(0);
    }
  });

  it('stops on SIGTERM with exit code 0 and leaves no connection open', async () => {
    const running = server!;
    server = undefined;
    await expectCleanStop(running, db, projectDir);
  });

  it('kept exactly the committed rows, as read directly from the database', async () => {
    const { users, readers, posts, comments } = await db.read(async (query) => ({
      users: await query<{ username: string }>("select username from users where username not like 'reader%' order by username"),
      readers: await query("select count(*)::int as count from users where username like 'reader%'"),
      posts: await query<{ title: string }>('select title from posts order by id'),
      comments: await query<{ body: string }>('select body from comments'),
    }));
    expect(users.map((row) => row.username)).toEqual(['ada', 'admin', 'grace']);
    expect(readers).toEqual([{ count: 12 }]);
    expect(posts.map((row) => row.title)).toEqual(['First post', 'Second post']);
    expect(comments).toEqual([{ body: 'Nice' }]);
  });
});
