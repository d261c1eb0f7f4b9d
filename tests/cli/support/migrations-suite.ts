/**
 * The life of a project with migrations, run by one test file per driver:
 * three changes of its models (a table with a foreign key to another app's
 * table, a column with a default, a renamed column), each written by
 * makemigrations and applied by migrate, with the rows of every version
 * still there after the next.
 */
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, removeDir, runCli, show, type CliResult } from './cli.js';
import { pgliteInspector, postgresInspector, type Inspector } from './inspect.js';
import { databaseEnv, migrationDatabaseName, migrationsProject, V1, V2, V3, V4, type MigrationsProject } from './migrations.js';
import { dropDatabase } from './postgres.js';
import { driverLabel, type Driver } from './suite-database.js';

/** Defines the migrations suite for one driver. */
export function defineMigrationsSuite(driver: Driver): void {
  describe(`makemigrations and migrate on ${driverLabel(driver)}`, { timeout: 240_000 }, () => {
    let project: MigrationsProject;
    let database: string | undefined;
    let db: Inspector;
    // In process, but for one migrate run by the built command.
    const cli = (...args: string[]): Promise<CliResult> => project.cli(...args);
    const ok = async (...args: string[]): Promise<CliResult> => {
      const result = await cli(...args);
      expect(result.code, show(result)).toBe(0);
      return result;
    };

    beforeAll(() => {
      assertBuilt();
      database = driver === 'postgres' ? migrationDatabaseName('suite') : undefined;
      project = migrationsProject(database);
      db = database !== undefined ? postgresInspector(database) : pgliteInspector(() => path.join(project.dir, '.backendts/db'));
    });

    afterAll(async () => {
      if (database !== undefined) await dropDatabase(database);
      removeDir(project.dir);
    });

    it('writes the first migration from the models and creates the database from it with create_db (no push)', async () => {
      project.write(V1);
      const made = await ok('makemigrations');
      expect(made.stdout).toContain('wrote migrations/0001_initial.sql (2 statements; apps: accounts, blog)');
      expect(made.stdout).toContain('wrote migrations/meta/0001_snapshot.json');
      const created = await ok('create_db');
      expect(created.stdout).toContain('applied 0001_initial');
      await db(async (query) => {
        expect(await query(`select to_regclass('backendts.schema_state') is null as none`)).toEqual([{ none: true }]);
        await query(`insert into users (username) values ('ada')`);
      });
    });

    it('adds a table with a foreign key to another app\'s table; --check fails before makemigrations and passes after', async () => {
      project.write(V2);
      const notPushed = await ok('create_db');
      expect(notPushed.stderr).toContain('the models have changes that no migration holds');
      expect(await db((query) => query(`select to_regclass('posts') is null as none`))).toEqual([{ none: true }]);
      const check = await cli('makemigrations', '--check');
      expect(check.code, show(check)).toBe(1);
      expect(check.stderr).toContain('CREATE TABLE "posts"');
      const made = await ok('makemigrations', '--name', 'add_posts');
      expect(made.stdout).toContain('wrote migrations/0002_add_posts.sql (2 statements; apps: blog)');
      const sql = readFileSync(path.join(project.dir, 'migrations/0002_add_posts.sql'), 'utf8');
      expect(sql).toContain('-- apps whose models changed: blog');
      expect(sql).toContain('REFERENCES "public"."users"("id")');
      const again = await ok('makemigrations', '--check');
      expect(again.stdout).toContain('no changes');
      const migrated = await runCli(['migrate'], { cwd: project.dir, env: databaseEnv(database) });
      expect(migrated.code, show(migrated)).toBe(0);
      expect(migrated.stdout).toContain('1 migration pending: 0002_add_posts');
      expect(migrated.stdout).toContain('applied 0002_add_posts');
      await db(async (query) => {
        expect(await query('select username from users')).toEqual([{ username: 'ada' }]);
        await query(`insert into posts (author_id, title) values (1, 'Notes')`);
      });
    });

    it('adds a column with a default, filled in for the rows already there', async () => {
      project.write(V3);
      await ok('makemigrations', '--name', 'post_status');
      await ok('migrate');
      expect(await db((query) => query('select title, status from posts'))).toEqual([{ title: 'Notes', status: 'draft' }]);
    });

    it('refuses a possible rename with exit 2 and both flags, then renames the column with --rename, keeping its values', async () => {
      project.write(V4);
      const refused = await cli('makemigrations');
      expect(refused.code, show(refused)).toBe(2);
      expect(refused.stderr).toContain('backendts makemigrations --rename users.username=users.handle');
      expect(refused.stderr).toContain('backendts makemigrations --no-rename');
      const made = await ok('makemigrations', '--name', 'handle', '--rename', 'users.username=users.handle');
      expect(readFileSync(path.join(project.dir, 'migrations/0004_handle.sql'), 'utf8')).toContain('ALTER TABLE "users" RENAME COLUMN "username" TO "handle";');
      expect(made.stderr).not.toContain('loses data');
      await ok('migrate');
      await db(async (query) => {
        expect(await query('select handle from users')).toEqual([{ handle: 'ada' }]);
        expect(await query('select author_id, title, status from posts')).toEqual([{ author_id: 1, title: 'Notes', status: 'draft' }]);
      });
      const nothing = await ok('makemigrations');
      expect(nothing.stdout).toContain('no changes');
      expect((await ok('migrate')).stdout).toContain('up to date: every migration is applied (4)');
    });

    it('shows every migration as applied, with its date', async () => {
      const shown = await ok('showmigrations');
      for (const name of ['0001_initial', '0002_add_posts', '0003_post_status', '0004_handle']) expect(shown.stdout).toMatch(new RegExp(`\\[X\\] ${name}\\s+applied \\d{4}-\\d\\d-\\d\\d `));
      expect(shown.stdout).toContain('4 applied, 0 pending');
    });

    it('refuses to migrate when an applied migration was edited, naming its file', async () => {
      const file = path.join(project.dir, 'migrations/0002_add_posts.sql');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, `${original}-- an afterthought\n`);
      const refused = await cli('migrate');
      expect(refused.code, show(refused)).toBe(1);
      expect(refused.stderr).toContain('BT_MIGRATE_CHANGED');
      expect(refused.stderr).toContain(file);
      writeFileSync(file, original);
    });
  });
}
