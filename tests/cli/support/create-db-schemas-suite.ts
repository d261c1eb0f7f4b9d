/**
 * create_db on schemas that drizzle-kit's live comparison gets wrong
 * (composite keys, policies, unexported PostgreSQL schemas), on each driver:
 * planned from the stored snapshot, and compared with the live catalog once
 * that snapshot is gone or the database was changed by hand.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, copyFixture, relocateProject, removeDir, runCliInProcess, show } from './cli.js';
import { writeModels } from './models.js';
import { compositeKeys, UNEXPORTED_SCHEMA, withPolicy } from './schema-models.js';
import { suiteDatabase, type Driver, type SuiteDatabase } from './suite-database.js';

/** The statements a run printed with --verbose (the lines that are SQL). */
function statementsOf(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^(ALTER|CREATE|DROP) /.test(line));
}

/** Defines the suite for one driver. */
export function defineCreateDbSchemasSuite(driver: Driver): void {
  describe(`create_db on ${driver === 'postgres' ? 'PostgreSQL' : 'PGlite'}, with what the live comparison gets wrong`, { timeout: 240_000 }, () => {
    const projects: string[] = [];
    const databases: SuiteDatabase[] = [];

    /** A fresh project (and database) with the given models; its runs are in process. */
    const project = (models: string) => {
      let dir = copyFixture('project');
      projects.push(dir);
      // An app with models only: the fixture's routes use its own tables.
      writeFileSync(path.join(dir, 'apps/store/main.ts'), `import { App } from 'backendts';\nexport const app = new App({ models: ['./db/models'] });\n`);
      writeModels(dir, models);
      const target = suiteDatabase(driver, `schemas_${driver}`, () => path.join(dir, '.backendts/db'));
      databases.push(target);
      const { env, db } = target;
      return {
        db,
        get dir() {
          return dir;
        },
        models: (source: string) => {
          dir = relocateProject(dir);
          projects.push(dir);
          writeModels(dir, source);
        },
        createDb: (...args: string[]) => runCliInProcess(['create_db', '--verbose', ...args], { cwd: dir, env }),
        /** Forgets what create_db stored, as on a database pushed before it stored anything. */
        forget: async () => {
          rmSync(path.join(dir, '.backendts/create_db.json'), { force: true });
          await db((query) => query('drop schema if exists backendts cascade'));
        },
      };
    };

    beforeAll(() => assertBuilt());

    afterAll(async () => {
      for (const database of databases) await database.drop();
      for (const dir of projects) removeDir(dir);
    });

    it('adds a column next to composite primary keys, from the stored snapshot and from the live catalog', async () => {
      const p = project(compositeKeys());
      const first = await p.createDb();
      expect(first.code, show(first)).toBe(0);
      p.models(compositeKeys(true));
      const fromSnapshot = await p.createDb('--dry-run');
      expect(fromSnapshot.code, show(fromSnapshot)).toBe(0);
      expect(fromSnapshot.stdout).toContain('planning from the schema stored at the last create_db');
      expect(statementsOf(fromSnapshot.stdout)).toEqual(['ALTER TABLE "memberships" ADD COLUMN "note" text;']);
      await p.forget();
      const live = await p.createDb();
      expect(live.code, show(live)).toBe(0);
      expect(live.stdout).toContain('comparing the models with the database');
      expect(live.stdout).toContain('1 statement planned');
      expect(statementsOf(live.stdout)).toEqual(['ALTER TABLE "memberships" ADD COLUMN "note" text;']);
      expect(await p.db((query) => query(`select column_name from information_schema.columns where table_name = 'memberships' order by 1`))).toEqual([
        { column_name: 'group_id' },
        { column_name: 'note' },
        { column_name: 'user_id' },
      ]);
    });

    it('plans nothing on an unchanged database, with or without the stored snapshot and the local state file', async () => {
      const p = project(compositeKeys());
      expect((await p.createDb()).code).toBe(0);
      rmSync(path.join(p.dir, '.backendts/create_db.json'), { force: true });
      const stored = await p.createDb();
      expect(stored.stdout, show(stored)).toContain('up to date: neither the models nor the database changed');
      await p.forget();
      const live = await p.createDb();
      expect(live.code, show(live)).toBe(0);
      expect(live.stdout).toContain('comparing the models with the database (no schema stored by create_db yet)');
      expect(live.stdout).toContain('up to date: nothing to do');
      expect(statementsOf(live.stdout)).toEqual([]);
      const again = await p.createDb();
      expect(again.stdout, show(again)).toContain('up to date: neither the models nor the database changed');
    });

    it("keeps a policy's USING and WITH CHECK, applies a changed expression, and repairs one changed by hand", async () => {
      const p = project(withPolicy('${t.owner} = current_user', 'true'));
      expect((await p.createDb()).code).toBe(0);
      const policy = `select qual, with_check from pg_policies where policyname = 'notes_owner'`;
      expect(await p.db((query) => query(policy))).toEqual([{ qual: '(owner = CURRENT_USER)', with_check: 'true' }]);
      p.models(withPolicy('${t.owner} = session_user', `${'${t.owner}'} <> ''`));
      const changed = await p.createDb();
      expect(changed.code, show(changed)).toBe(0);
      expect(await p.db((query) => query(policy))).toEqual([{ qual: '(owner = SESSION_USER)', with_check: "(owner <> ''::text)" }]);
      await p.db((query) => query('alter policy notes_owner on notes using (true)'));
      const repaired = await p.createDb();
      expect(repaired.code, show(repaired)).toBe(0);
      expect(repaired.stdout).toContain('it was changed since the last create_db');
      expect(statementsOf(repaired.stdout)).toEqual([`ALTER POLICY "notes_owner" ON "public"."notes" USING ("notes"."owner" = session_user) WITH CHECK ("notes"."owner" <> '');`]);
      expect(await p.db((query) => query(policy))).toEqual([{ qual: '(owner = SESSION_USER)', with_check: "(owner <> ''::text)" }]);
      await p.forget();
      const live = await p.createDb();
      expect(live.stdout, show(live)).toContain('up to date: nothing to do');
    });

    it('creates a table in an unexported PostgreSQL schema once, and repairs a hand change to it', async () => {
      const p = project(UNEXPORTED_SCHEMA);
      const first = await p.createDb();
      expect(first.code, show(first)).toBe(0);
      expect(statementsOf(first.stdout)).toContain('CREATE SCHEMA "inventory";');
      await p.forget();
      const live = await p.createDb();
      expect(live.code, show(live)).toBe(0);
      expect(live.stdout).toContain('up to date: nothing to do');
      await p.db((query) => query('alter table inventory.items alter column name drop not null'));
      const repaired = await p.createDb();
      expect(repaired.code, show(repaired)).toBe(0);
      expect(repaired.stdout).toContain('it was changed since the last create_db');
      expect(statementsOf(repaired.stdout)).toEqual(['ALTER TABLE "inventory"."items" ALTER COLUMN "name" SET NOT NULL;']);
      const nullable = `select is_nullable from information_schema.columns where table_schema = 'inventory' and column_name = 'name'`;
      expect(await p.db((query) => query(nullable))).toEqual([{ is_nullable: 'NO' }]);
    });
  });
}
