/**
 * What migrate does when things go wrong or happen at once, on PostgreSQL:
 * a failing statement, two runs together, a database create_db pushed
 * meeting its first migration, and a server started before migrating. The
 * commands run in process, but for the two migrate processes at once and the
 * servers.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, finished, removeDir, show, spawnCli } from './support/cli.js';
import { migrationDatabaseName, migrationsProject, V1, V2, type MigrationsProject } from './support/migrations.js';
import { dropDatabase, postgresUrl, queryPostgres } from './support/postgres.js';
import { startServer } from './support/server.js';

const BROKEN = `-- 0002_broken: written by hand for the test
ALTER TABLE "users" ADD COLUMN "email" text;
--> statement-breakpoint
CREATE TABLE "audit" ("id" integer PRIMARY KEY);
--> statement-breakpoint
INSERT INTO "no_such_table" VALUES (1);
--> statement-breakpoint
CREATE TABLE "never" ("id" integer);
`;

describe('migrate on PostgreSQL when things go wrong', { timeout: 300_000 }, () => {
  const projects: MigrationsProject[] = [];
  const databases: string[] = [];

  /** A copy of the project at V1 (with its first migration written when `migrations`), on `database`. */
  async function copy(database: string, version = V1, migrations = true): Promise<MigrationsProject> {
    const made = migrationsProject(database);
    projects.push(made);
    made.write(version);
    if (migrations) {
      const result = await made.cli('makemigrations');
      expect(result.code, show(result)).toBe(0);
    }
    return made;
  }

  /** A copy of the project at V1 with its first migration written, on a database of its own. */
  async function project(label: string) {
    const database = migrationDatabaseName(label);
    databases.push(database);
    const made = await copy(database);
    return { project: made, database, cli: made.cli };
  }

  beforeAll(() => assertBuilt());

  afterAll(async () => {
    for (const database of databases) await dropDatabase(database);
    for (const made of projects) removeDir(made.dir);
  });

  it('leaves the database and the record as they were when the third statement of a migration fails', async () => {
    const { project: made, database, cli } = await project('broken');
    expect((await cli('create_db')).code).toBe(0);
    writeFileSync(path.join(made.dir, 'migrations/0002_broken.sql'), BROKEN);
    const upTo = await cli('migrate', '--to', '0001');
    expect(upTo.stdout, show(upTo)).toContain('nothing to apply up to 0001_initial (1 pending after it)');
    const dry = await cli('migrate', '--dry-run');
    expect(dry.code, show(dry)).toBe(0);
    expect(dry.stdout).toContain('INSERT INTO "no_such_table" VALUES (1);');
    expect(dry.stdout).toContain('dry run: nothing was changed');
    const failed = await cli('migrate');
    expect(failed.code, show(failed)).toBe(1);
    expect(failed.stderr).toContain('BT_MIGRATE_APPLY');
    expect(failed.stderr).toContain('statement 3/4 failed, migration 0002_broken was rolled back and not recorded');
    const state = await queryPostgres(
      database,
      `select to_regclass('audit') is null as no_audit,
         not exists (select 1 from information_schema.columns where table_name = 'users' and column_name = 'email') as no_email,
         (select string_agg(name, ',') from backendts.migrations) as applied`,
    );
    expect(state).toEqual([{ no_audit: true, no_email: true, applied: '0001_initial' }]);
    const shown = await cli('showmigrations');
    expect(shown.stdout).toMatch(/\[ \] 0002_broken\s+pending/);
  });

  it('applies each migration once when two migrate processes start together', async () => {
    const { project: made, database, cli } = await project('together');
    made.write(V2);
    expect((await cli('makemigrations', '--name', 'add_posts')).code).toBe(0);
    await queryPostgres('postgres', `create database "${database}"`);
    const env = { DATABASE_URL: postgresUrl(database) };
    const runs = await Promise.all([0, 1].map(() => finished(spawnCli(['migrate'], { cwd: made.dir, env }))));
    for (const run of runs) expect(run.code, show(run)).toBe(0);
    const output = runs.map((run) => run.stdout).join('\n');
    expect(output.match(/applied 0001_initial in/g)).toHaveLength(1);
    expect(output.match(/applied 0002_add_posts in/g)).toHaveLength(1);
    expect(output).toContain('up to date: every migration is applied (2)');
    expect(await queryPostgres(database, 'select name from backendts.migrations order by name')).toEqual([{ name: '0001_initial' }, { name: '0002_add_posts' }]);
  });

  it('records the first migration as applied on a database create_db pushed with the same models', async () => {
    const { cli, database } = await project('pushed');
    const pushing = await copy(database, V1, false);
    const pushed = await pushing.cli('create_db');
    expect(pushed.code, show(pushed)).toBe(0);
    await queryPostgres(database, `insert into users (username) values ('ada')`);
    const migrated = await cli('migrate');
    expect(migrated.code, show(migrated)).toBe(0);
    expect(migrated.stdout).toContain('recorded 0001_initial as applied without running them');
    expect(await queryPostgres(database, 'select username from users')).toEqual([{ username: 'ada' }]);
    expect(await queryPostgres(database, 'select name, duration_ms from backendts.migrations')).toEqual([{ name: '0001_initial', duration_ms: 0 }]);
  });

  it('refuses a pushed database whose schema no migration leaves', async () => {
    const { cli, database } = await project('differs');
    const pushing = await copy(database, V2, false);
    expect((await pushing.cli('create_db')).code).toBe(0);
    const refused = await cli('migrate');
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toContain('BT_MIGRATE_UNRECORDED');
    expect(await queryPostgres(database, `select to_regclass('backendts.migrations') is null as none`)).toEqual([{ none: true }]);
  });

  it('warns at start-up about migrations the database lacks, and refuses to start with require_migrations', async () => {
    const { project: made, database, cli } = await project('startup');
    expect((await cli('create_db')).code).toBe(0);
    made.write(V2);
    const dir = made.dir;
    expect((await cli('makemigrations', '--name', 'add_posts')).code).toBe(0);
    const env = { DATABASE_URL: postgresUrl(database) };
    const server = await startServer([], dir, env);
    server.child.kill('SIGTERM');
    const served = await server.exit;
    expect(served.stderr).toContain(`PostgreSQL database "${database}" on 127.0.0.1:5432 lacks 1 of the project's migrations: 0002_add_posts`);
    appendFileSync(path.join(dir, 'config.ini'), 'require_migrations = true\n');
    const refused = await finished(spawnCli(['run'], { cwd: dir, env }));
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toContain('BT_DB_MIGRATIONS_PENDING');
    expect((await cli('migrate')).code).toBe(0);
    const started = await startServer([], dir, env);
    started.child.kill('SIGTERM');
    expect((await started.exit).stderr).not.toContain('lacks');
  });
});
