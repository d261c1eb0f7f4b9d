/**
 * The request transaction through PgBouncer 1.18 in pool_mode = transaction
 * (more client connections than server connections), and what a user meets
 * with settings PgBouncer cannot serve: prepared statements, a startup
 * parameter, create_db and migrate without direct_url. create_db, migrate
 * and showmigrations reach PostgreSQL itself through direct_url, or through
 * direct_host/direct_port with the main connection's database and user.
 */
import { appendFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMigrationSession } from '../../cli/migrations/session.js';
import { createOutput } from '../../cli/output.js';
import { parseConfig } from '../../runtime/project/config.js';
import { readDatabaseSettings, sessionSettings, type DatabaseSettings } from '../../runtime/db/settings.js';
import { copyFixture, removeDir, runCli, show } from '../cli/support/cli.js';
import { copyMigrationsProject, V1, writeVersion } from '../cli/support/migrations.js';
import { databaseExists, dropDatabase, queryPostgres, uniqueDatabaseName } from '../cli/support/postgres.js';
import { call, countNotes, createTestDatabase, databaseSection, serveShop, shopProject, tag, type Shop, type TestDatabase } from '../db/support.js';
import { pgbouncerMissing, startPgbouncer, type Pgbouncer } from '../../tools/postgres/pgbouncer.js';

const missing = pgbouncerMissing();

describe.skipIf(missing !== undefined)(missing ?? 'through PgBouncer in pool_mode = transaction', () => {
  let bouncer: Pgbouncer;
  let database: TestDatabase;
  /** The [database] section of the test database through PgBouncer. */
  const throughBouncer = (extra: Record<string, string>) => databaseSection('postgres', database.name, { port: String(bouncer.port), ...extra });

  beforeAll(async () => {
    bouncer = await startPgbouncer({ poolSize: 4 });
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
    await bouncer?.stop();
  });

  describe('with [database] prepare = false', () => {
    let shop: Shop;
    beforeAll(async () => {
      shop = await serveShop(throughBouncer({ prepare: 'false', pool_size: '10' }));
    });
    afterAll(async () => {
      await shop?.close();
    });

    it('commits, rolls back, and keeps 40 concurrent requests on 4 server connections apart', async () => {
      const owners = Array.from({ length: 40 }, (_, i) => tag(`concurrent${i}`));
      const replies = await Promise.all(owners.map((owner) => call(`${shop.url}/notes`, 'POST', { owner })));
      expect(replies.map((reply) => reply.status)).toEqual(owners.map(() => 200));
      // Each request saw its own write only, and in one transaction (txid) of its own.
      expect(replies.map((reply) => reply.json.data.mine)).toEqual(owners.map(() => 1));
      expect(new Set(replies.map((reply) => reply.json.data.txid)).size).toBe(owners.length);
      const failed = tag('throw');
      expect((await call(`${shop.url}/notes`, 'POST', { owner: failed, fail: 'throw' })).status).toBe(500);
      expect(await countNotes(shop, failed)).toBe(0);
      expect(await countNotes(shop, owners[0]!)).toBe(1);
      expect(await database.busy()).toBe(0);
    });

    it('undoes a failed savepoint alone and commits the rest', async () => {
      const owner = tag('savepoints');
      const reply = await call(`${shop.url}/savepoints`, 'POST', { owner });
      expect(reply.json.data).toEqual(['before', 'kept', 'nested kept', 'after']);
      expect(await countNotes(shop, owner)).toBe(4);
    });

    it('runs onCommit callbacks after a commit only, and refuses writes on a read-only route', async () => {
      const [kept, dropped, readOnly] = [tag('kept'), tag('dropped'), tag('read-only')];
      expect((await call(`${shop.url}/on-commit`, 'POST', { owner: kept })).status).toBe(200);
      expect((await call(`${shop.url}/on-commit`, 'POST', { owner: dropped, fail: 'throw' })).status).toBe(500);
      const committed = (await call(`${shop.url}/committed`, 'GET')).json.data as string[];
      expect(committed).toContain(kept);
      expect(committed).not.toContain(dropped);
      expect((await call(`${shop.url}/read-only`, 'POST', { owner: readOnly })).status).toBe(500);
      expect(await countNotes(shop, readOnly)).toBe(0);
    });
  });

  it('names [database] prepare when prepared statements meet another server connection (prepare = true)', async () => {
    const shop = await serveShop(throughBouncer({ prepare: 'true', pool_size: '10' }), { schema: false });
    try {
      const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => call(`${shop.url}/notes`, 'POST', { owner: `prepared${i}` })));
      const failures = replies.filter((reply) => reply.status !== 200);
      // PgBouncer 1.18 hands a prepared statement's next use to whichever server connection is free.
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.map((reply) => reply.status)).toEqual(failures.map(() => 500));
      // Drizzle wraps the driver's error; the typed one is its cause.
      const typed = shop.logger.errors.map((error) => (error as { cause?: unknown }).cause) as { code: string; message: string; hint: string }[];
      expect([...new Set(typed.map((error) => error.code))]).toEqual(['BT_DB_PREPARED_STATEMENTS']);
      const [first] = typed;
      expect(first!.message).toMatch(/prepared statement "[^"]+" (does not exist|already exists)/);
      expect(first!.hint).toContain('[database] prepare = false');
    } finally {
      await shop.close();
    }
  });

  it('names the setting PgBouncer refuses as a startup parameter (statement_timeout)', async () => {
    const { bp } = shopProject(throughBouncer({ prepare: 'false', statement_timeout: '5s' }), { schema: false });
    const error = await bp.listen({ port: 0, signals: false }).then(() => undefined, (thrown: unknown) => thrown);
    await bp.close();
    expect(error).toMatchObject({ code: 'BT_DB_STARTUP_PARAMETER' });
    expect((error as { hint: string }).hint).toContain('remove [database] statement_timeout');
  });

  it('tells a missing database apart from an unreachable server (PgBouncer answers 08P01)', async () => {
    const { bp } = shopProject(databaseSection('postgres', `${database.name}_missing`, { port: String(bouncer.port), prepare: 'false' }), { schema: false });
    const error = await bp.listen({ port: 0, signals: false }).then(() => undefined, (thrown: unknown) => thrown);
    await bp.close();
    expect(error).toMatchObject({ code: 'BT_DB_MISSING' });
  });

  it('gives migrate its session on direct_url, and refuses the pooler without it', async () => {
    const read = (extra: string) =>
      sessionSettings(readDatabaseSettings(parseConfig(`[database]\nurl = ${bouncer.url(database.name)}\n${extra}`, 'config.ini', {}), { projectDir: '/tmp', environment: {} }));
    const output = createOutput({ stdout: new PassThrough() as never, stderr: new PassThrough() as never });
    const backend = (settings: DatabaseSettings) =>
      withMigrationSession(settings, { lock: true }, output, async (session) => (await session.runner.query('select inet_server_port() as port'))[0]!.port);
    await expect(backend(read(''))).rejects.toMatchObject({ code: 'BT_DB_TRANSACTION_POOLER' });
    expect(await backend(read(`direct_url = postgres://postgres@127.0.0.1:5432/${database.name}\n`))).toBe(5432);
    // The main URL's database and user, on PostgreSQL's port (and host).
    expect(await backend(read('direct_port = 5432\n'))).toBe(5432);
    expect(await backend(read('direct_host = 127.0.0.1\ndirect_port = 5432\n'))).toBe(5432);
  });

  it('runs makemigrations, migrate and showmigrations through the CLI on [database] direct_port', async () => {
    const projectDir = copyMigrationsProject();
    const name = uniqueDatabaseName('migrate_direct');
    try {
      writeVersion(projectDir, V1);
      await queryPostgres('postgres', `create database "${name}"`);
      // The server's url through PgBouncer; the schema commands on PostgreSQL's port, same database and user.
      appendFileSync(`${projectDir}/config.ini`, `url = ${bouncer.url(name)}\nprepare = false\ndirect_port = 5432\n`);
      for (const command of ['makemigrations', 'migrate']) {
        const result = await runCli([command], { cwd: projectDir });
        expect(result.code, show(result)).toBe(0);
      }
      const shown = await runCli(['showmigrations'], { cwd: projectDir });
      expect(shown.code, show(shown)).toBe(0);
      expect(shown.stdout).toMatch(/\[X\] 0001_initial/);
      expect(await queryPostgres(name, 'select name from backendts.migrations')).toEqual([{ name: '0001_initial' }]);
    } finally {
      await dropDatabase(name);
      removeDir(projectDir);
    }
  });

  describe('create_db', () => {
    let projectDir: string;
    const databases: string[] = [];
    beforeAll(() => {
      projectDir = copyFixture('project');
    });
    afterAll(async () => {
      for (const name of databases) await dropDatabase(name);
      removeDir(projectDir);
    });

    it('refuses to run through the pooler without [database] direct_url', async () => {
      const name = uniqueDatabaseName('pooler');
      databases.push(name);
      const result = await runCli(['create_db'], { cwd: projectDir, env: { DATABASE_URL: bouncer.url(name) } });
      expect(result.code, show(result)).toBe(1);
      expect(result.stderr).toContain('BT_DB_TRANSACTION_POOLER');
      expect(result.stderr).toContain('set [database] direct_url');
      // Refused before CREATE DATABASE: nothing is left behind.
      expect(await databaseExists(name)).toBe(false);
    });

    it('creates the database and its tables through [database] direct_url', async () => {
      const name = uniqueDatabaseName('direct');
      databases.push(name);
      // As docs/deployment.md shows it: the server's url through PgBouncer, direct_url to PostgreSQL.
      appendFileSync(`${projectDir}/config.ini`, `url = ${bouncer.url(name)}\nprepare = false\ndirect_url = postgres://postgres@127.0.0.1:5432/${name}\n`);
      const result = await runCli(['create_db'], { cwd: projectDir });
      expect(result.code, show(result)).toBe(0);
      expect(await databaseExists(name)).toBe(true);
      const tables = await queryPostgres<{ n: number }>(name, "select count(*)::int as n from pg_tables where schemaname = 'public'");
      expect(tables[0]!.n).toBeGreaterThan(0);
    });

    it('creates the database through [database] direct_host and direct_port, with the main host/port/name section', async () => {
      const name = uniqueDatabaseName('direct_port');
      databases.push(name);
      const dir = copyFixture('project');
      try {
        appendFileSync(`${dir}/config.ini`, `host = 127.0.0.1\nport = ${bouncer.port}\nname = ${name}\nusername = postgres\nprepare = false\ndirect_host = 127.0.0.1\ndirect_port = 5432\n`);
        const result = await runCli(['create_db'], { cwd: dir });
        expect(result.code, show(result)).toBe(0);
        expect(await databaseExists(name)).toBe(true);
      } finally {
        removeDir(dir);
      }
    });

    it('refuses direct_url together with direct_port before it connects, naming both', async () => {
      const name = uniqueDatabaseName('direct_both');
      databases.push(name);
      const dir = copyFixture('project');
      try {
        appendFileSync(`${dir}/config.ini`, `url = ${bouncer.url(name)}\ndirect_url = postgres://postgres@127.0.0.1:5432/${name}\ndirect_port = 5432\n`);
        const result = await runCli(['create_db'], { cwd: dir });
        expect(result.code, show(result)).toBe(1);
        expect(result.stderr).toContain('BT_DB_SETTING_CONFLICT');
        expect(result.stderr).toContain('[database]: direct_url and direct_port both say where create_db and migrate connect');
        expect(await databaseExists(name)).toBe(false);
      } finally {
        removeDir(dir);
      }
    });
  });
});
