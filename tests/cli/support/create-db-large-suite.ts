/**
 * create_db on the large fixture (fixtures/create-db/large: 108 tables over
 * 12 apps), on one driver, through the CLI's entry in process: the first push, no-change
 * runs that plan nothing (from the stored state, from a checkout with no
 * `.backendts/`, and compared with the live catalog), then one change at a
 * time, each applying exactly its statements and leaving the catalog equal to
 * that of a database built at once from the same models.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogLines } from './catalog.js';
import { assertBuilt, copyProject, relocateProject, removeDir, runCliInProcess, show, tempDir } from './cli.js';
import type { Driver } from './suite-database.js';
import { pgliteInspector, postgresInspector, type Inspector } from './inspect.js';
import { dropDatabase, postgresUrl } from './postgres.js';

/** The PostgreSQL schemas the fixture's models use. */
const SCHEMAS = ['public', 'warehouse'];

/** The statements a run printed with --verbose (the lines that are SQL). */
function statementsOf(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^(ALTER|CREATE|DROP|TRUNCATE) /i.test(line));
}

/** One database the fixture can be pushed to: how the CLI finds it, and how the test reads it. */
interface Target {
  env: Record<string, string>;
  db: Inspector;
  drop: () => Promise<void>;
}

/** Defines the suite for one driver. */
export function defineCreateDbLargeSuite(driver: Driver): void {
  describe(`create_db on a large schema (108 tables, 12 apps) on ${driver === 'postgres' ? 'PostgreSQL' : 'PGlite'}`, { timeout: 300_000 }, () => {
    let projectDir: string;
    let main: Target;
    const targets: Target[] = [];

    /** An empty embedded database folder, made once: each scratch target is a copy (PGlite's initdb takes seconds). */
    let emptyPglite: Promise<string> | undefined;
    const scratchDirs: string[] = [];
    const emptyPgliteFolder = (): Promise<string> =>
      (emptyPglite ??= (async () => {
        const dir = tempDir('large-pglite-empty');
        scratchDirs.push(dir);
        await (await PGlite.create({ dataDir: path.join(dir, 'db') })).close();
        return path.join(dir, 'db');
      })());

    /** A new, empty database of this driver (with `copyEmpty`, a PGlite one is a copy of an empty folder rather than made by create_db). */
    const target = async (copyEmpty = false): Promise<Target> => {
      const made: Target =
        driver === 'postgres'
          ? (() => {
              const name = `large_${randomBytes(5).toString('hex')}`;
              return { env: { DATABASE_URL: postgresUrl(name) }, db: postgresInspector(name), drop: () => dropDatabase(name) };
            })()
          : await (async () => {
              const dir = tempDir('large-pglite');
              const dataDir = path.join(dir, 'db');
              if (copyEmpty) cpSync(await emptyPgliteFolder(), dataDir, { recursive: true });
              return { env: { LARGE_PGLITE_PATH: dataDir }, db: pgliteInspector(dataDir), drop: async () => removeDir(dir) };
            })();
      targets.push(made);
      return made;
    };

    const createDb = (on: Target, ...args: string[]) => runCliInProcess(['create_db', '--verbose', ...args], { cwd: projectDir, env: on.env });

    /** Changes one app's models (in a moved project: modules are cached by path): `from` must occur exactly once. */
    const edit = (app: string, from: string, to: string) => {
      projectDir = relocateProject(projectDir);
      const file = path.join(projectDir, 'apps', app, 'db/models.ts');
      const source = readFileSync(file, 'utf8');
      expect(source.split(from)).toHaveLength(2);
      writeFileSync(file, source.replace(from, to));
    };

    /**
     * Applies the models as they are now, expecting exactly `statements`, and
     * compares the catalog with that of a database built at once from the
     * same models (pushed at the same time, to keep the suite short).
     */
    const step = async (statements: string[], ...args: string[]) => {
      const scratch = await target(true);
      const [result, built] = await Promise.all([createDb(main, ...args), createDb(scratch)]);
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toContain('planning from the schema stored at the last create_db');
      expect(statementsOf(result.stdout)).toEqual(statements);
      expect(built.code, show(built)).toBe(0);
      const [actual, expected] = await Promise.all([main.db((query) => catalogLines(query, SCHEMAS)), scratch.db((query) => catalogLines(query, SCHEMAS))]);
      await scratch.drop();
      expect(actual).toEqual(expected);
    };

    const forgetStoredState = () => main.db((query) => query('drop schema backendts cascade'));

    beforeAll(async () => {
      assertBuilt();
      projectDir = copyProject('fixtures/create-db/large');
      if (driver === 'pglite') {
        // Outside .backendts/, so that removing that folder leaves the database.
        const config = path.join(projectDir, 'config.ini');
        writeFileSync(config, readFileSync(config, 'utf8').replace('\n[database]\n', '\n[database]\npath = ${LARGE_PGLITE_PATH}\n'));
      }
      main = await target();
    });

    afterAll(async () => {
      for (const made of targets) await made.drop();
      for (const dir of scratchDirs) removeDir(dir);
      if (projectDir) removeDir(projectDir);
    });

    it('pushes every table at once, with the extension, the policies and the view', async () => {
      const result = await createDb(main);
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toContain('collected 108 tables from 12 apps');
      const counts = await main.db((query) =>
        query<{ tables: number; policies: number; views: number; trgm: number }>(
          `select (select count(*)::int from pg_tables where schemaname in ('public', 'warehouse')) as tables,
                  (select count(*)::int from pg_policies where qual is not null or with_check is not null) as policies,
                  (select count(*)::int from pg_views where schemaname = 'public') as views,
                  (select count(*)::int from pg_indexes where indexdef like '%gin_trgm_ops%') as trgm`,
        ),
      );
      expect(counts).toEqual([{ tables: 108, policies: 36, views: 1, trgm: 1 }]);
    });

    it('plans nothing on the unchanged database: from the stored state, with no .backendts/, and compared with the live catalog', async () => {
      const stored = await createDb(main);
      expect(stored.stdout, show(stored)).toContain('up to date: neither the models nor the database changed');
      rmSync(path.join(projectDir, '.backendts'), { recursive: true, force: true });
      const checkout = await createDb(main);
      expect(checkout.stdout, show(checkout)).toContain('up to date: neither the models nor the database changed');
      await forgetStoredState();
      const live = await createDb(main);
      expect(live.code, show(live)).toBe(0);
      expect(live.stdout).toContain('comparing the models with the database (no schema stored by create_db yet)');
      expect(live.stdout).toContain('up to date: nothing to do');
      expect(statementsOf(live.stdout)).toEqual([]);
    });

    it('adds a column', async () => {
      const quantity = "    quantity: integer('quantity').notNull().default(0),\n";
      edit('orders', quantity, `${quantity}    gift_note: text('gift_note'),\n`);
      await step(['ALTER TABLE "orders_items" ADD COLUMN "gift_note" text;']);
    });

    it('drops a column with --force', async () => {
      edit('billing', "    price: numeric('price', { precision: 12, scale: 2 }),\n", '');
      const refused = await createDb(main);
      expect(refused.code, show(refused)).toBe(2);
      await step(['ALTER TABLE "billing_items" DROP COLUMN "price";'], '--force');
    });

    it("changes a policy's expression", async () => {
      edit('messaging', "using: sql`${t.owner} = current_user` }),", "using: sql`${t.owner} = session_user` }),");
      await step(['ALTER POLICY "messaging_documents_owner_reads" ON "messaging_documents" TO public USING ("messaging_documents"."owner" = session_user);']);
      const qual = await main.db((query) => query(`select qual from pg_policies where policyname = 'messaging_documents_owner_reads'`));
      expect(qual).toEqual([{ qual: '(owner = SESSION_USER)' }]);
    });

    it('adds an index to a table in a pgSchema', async () => {
      edit('inventory', "(t) => [index('inventory_items_entity_idx').on(t.entity_id),", "(t) => [index('inventory_items_entity_idx').on(t.entity_id), index('inventory_items_title_idx').on(t.title),");
      await step(['CREATE INDEX "inventory_items_title_idx" ON "warehouse"."inventory_items" USING btree ("title");']);
    });

    it('plans nothing after the changes when compared with the live catalog', async () => {
      await forgetStoredState();
      const live = await createDb(main);
      expect(live.code, show(live)).toBe(0);
      expect(live.stdout).toContain('up to date: nothing to do');
    });
  });
}
