/**
 * The create_db behaviour every database must show, run by one test file per
 * driver: fresh create, idempotent re-run, additive change, dry run, refused
 * destructive change, --force.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNCHANGED_SOURCES } from '../../../cli/create-db/sources-check.js';
import { assertBuilt, copyFixture, relocateProject, removeDir, runCli, runCliInProcess, show } from './cli.js';
import { columnsOf, type Inspector } from './inspect.js';
import { ADDITIVE, DESTRUCTIVE, FAILS_ON_DATA, writeModels } from './models.js';
import { databaseExists } from './postgres.js';
import { driverLabel, suiteDatabase, type Driver, type SuiteDatabase } from './suite-database.js';

const INITIAL_COLUMNS = ['categories.id', 'categories.name', 'products.category_id', 'products.id', 'products.kind', 'products.name'];
const ADDITIVE_COLUMNS = [...INITIAL_COLUMNS, 'products.price', 'tags.id', 'tags.label'].sort();

/** Defines the create_db suite for one driver. */
export function defineCreateDbSuite(driver: Driver): void {
  // The embedded database takes seconds to open on a busy machine, and every step opens it twice.
  describe(`create_db on ${driverLabel(driver)}`, { timeout: 180_000 }, () => {
    let projectDir: string;
    let target: SuiteDatabase;
    let database: string | undefined;
    let env: Record<string, string>;
    let db: Inspector;
    // The first run is the built command, as a user runs it; the others run in this process.
    const createDb = (...args: string[]) => runCliInProcess(['create_db', ...args], { cwd: projectDir, env });
    const changeModels = (source: string): void => {
      projectDir = relocateProject(projectDir);
      writeModels(projectDir, source);
    };

    beforeAll(() => {
      assertBuilt();
      projectDir = copyFixture('project');
      target = suiteDatabase(driver, driver, () => path.join(projectDir, '.backendts/db'));
      ({ name: database, env, db } = target);
    });

    afterAll(async () => {
      await target.drop();
      removeDir(projectDir);
    });

    it('creates the database and every collected table on the first run', async () => {
      const result = await runCli(['create_db'], { cwd: projectDir, env });
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toMatch(driver === 'postgres' ? `database "${database}" created` : 'embedded database created');
      expect(result.stdout).toMatch(/\d+ statements planned/);
      expect(result.stdout).toContain('applied');
      if (database !== undefined) expect(await databaseExists(database)).toBe(true);
      await db(async (query) => {
        expect(await columnsOf(query)).toEqual(INITIAL_COLUMNS);
        await query(`insert into products (name, kind) values ('Dune', 'book')`);
      });
    });

    it('reports "up to date" on a second run, without loading the models, and executes nothing', async () => {
      const result = await createDb();
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toMatch(driver === 'postgres' ? `database "${database}" exists` : 'embedded database exists');
      // The first run (the built command) recorded what the models were loaded from.
      expect(result.stdout).toContain(UNCHANGED_SOURCES);
      expect(result.stdout).not.toMatch(/comparing|planned|applying|applied/);
    });

    it('compares in full again once the database was changed by hand, and puts it back', async () => {
      const nullable = `select is_nullable from information_schema.columns where table_name = 'products' and column_name = 'name'`;
      await db((query) => query('alter table products alter column name drop not null'));
      const result = await createDb('--verbose');
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toContain('comparing the models with the database');
      expect(result.stdout).toContain('ALTER TABLE "products" ALTER COLUMN "name" SET NOT NULL');
      expect(await db((query) => query(nullable))).toEqual([{ is_nullable: 'NO' }]);
      const again = await createDb();
      expect(again.stdout, show(again)).toContain('since the last create_db');
    });

    it('applies an additive change and keeps the rows (--verbose prints the SQL)', async () => {
      changeModels(ADDITIVE);
      const result = await createDb('--verbose');
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toContain('ALTER TABLE "products" ADD COLUMN "price" integer');
      expect(result.stdout).toContain('CREATE TABLE "tags"');
      await db(async (query) => {
        expect(await columnsOf(query)).toEqual(ADDITIVE_COLUMNS);
        expect(await query('select name, kind from products')).toEqual([{ name: 'Dune', kind: 'book' }]);
      });
    });

    it('prints the planned SQL with --dry-run and changes nothing', async () => {
      changeModels(DESTRUCTIVE);
      const result = await createDb('--dry-run');
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toMatch(/DROP TABLE "tags".*-- loses data/);
      expect(result.stdout).toMatch(/ALTER TABLE "products" DROP COLUMN "kind".*-- loses data/);
      expect(result.stdout).toContain('dry run: nothing was changed');
      expect(await db(columnsOf)).toEqual(ADDITIVE_COLUMNS);
    });

    it('refuses a change that loses data with exit code 2, listing it, and changes nothing', async () => {
      const result = await createDb();
      expect(result.code, show(result)).toBe(2);
      expect(result.stderr).toContain('refused: 2 statements would lose data');
      expect(result.stderr).toMatch(/DROP TABLE "tags".*drops a table/);
      expect(result.stderr).toMatch(/DROP COLUMN "kind".*drops a column/);
      expect(result.stderr).toContain('--force');
      await db(async (query) => {
        expect(await columnsOf(query)).toEqual(ADDITIVE_COLUMNS);
        expect(await query('select kind from products')).toEqual([{ kind: 'book' }]);
      });
    });

    it('applies the change that loses data with --force', async () => {
      const result = await createDb('--force');
      expect(result.code, show(result)).toBe(0);
      await db(async (query) => {
        expect(await columnsOf(query)).toEqual(['categories.id', 'categories.name', 'products.category_id', 'products.id', 'products.name', 'products.price']);
        expect(await query('select name from products')).toEqual([{ name: 'Dune' }]);
      });
      const again = await createDb();
      expect(again.stdout, show(again)).toContain('up to date');
    });

    it('names the statement that fails on the data already there, and leaves every earlier statement of the plan undone', async () => {
      changeModels(FAILS_ON_DATA);
      const result = await createDb();
      expect(result.code, show(result)).toBe(1);
      expect(result.stderr).toMatch(/statement (\d+)\/\1 failed, nothing was changed: .*products_long_name/);
      expect(result.stderr).toContain('CHECK');
      await db(async (query) => {
        expect(await columnsOf(query)).toEqual(['categories.id', 'categories.name', 'products.category_id', 'products.id', 'products.name', 'products.price']);
      });
    });
  });
}
