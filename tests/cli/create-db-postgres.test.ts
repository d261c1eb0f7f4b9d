/** create_db on a real PostgreSQL server (127.0.0.1:5432): as a subprocess where processes matter (two at once, start-up), else in process. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, relocateProject, removeDir, runCli, runCliInProcess, show } from './support/cli.js';
import { defineCreateDbSchemasSuite } from './support/create-db-schemas-suite.js';
import { defineCreateDbSuite } from './support/create-db-suite.js';
import { columnsOf, postgresInspector } from './support/inspect.js';
import { AMBIGUOUS, INITIAL, writeModels } from './support/models.js';
import { dropDatabase, postgresUrl, queryPostgres, uniqueDatabaseName } from './support/postgres.js';

defineCreateDbSuite('postgres');

describe('create_db on PostgreSQL, at the edges', () => {
  let projectDir: string;
  const databases: string[] = [];
  const fresh = (prefix: string) => {
    const name = uniqueDatabaseName(prefix);
    databases.push(name);
    return name;
  };

  beforeAll(() => {
    projectDir = copyFixture('project');
  });

  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
    removeDir(projectDir);
  });

  it('lets two runs at once take turns: one creates the tables, the other finds them up to date', async () => {
    const database = fresh('race');
    const env = { DATABASE_URL: postgresUrl(database) };
    const results = await Promise.all([runCli(['create_db'], { cwd: projectDir, env }), runCli(['create_db'], { cwd: projectDir, env })]);
    for (const result of results) expect(result.code, show(result)).toBe(0);
    const applied = results.filter((result) => result.stdout.includes('applied'));
    const upToDate = results.filter((result) => result.stdout.includes('up to date'));
    expect(applied).toHaveLength(1);
    expect(upToDate).toHaveLength(1);
    expect(await postgresInspector(database)(columnsOf)).toContain('products.kind');
  });

  it('quotes the database name as an identifier', async () => {
    const database = fresh('Mixed Case');
    const result = await runCliInProcess(['create_db'], { cwd: projectDir, env: { DATABASE_URL: postgresUrl(encodeURIComponent(database)) } });
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain(`database "${database}" created`);
    expect(await postgresInspector(database)(columnsOf)).toContain('categories.name');
  });

  it('turns an ambiguous change (a rename?) into a clear error that changes nothing', async () => {
    const database = fresh('rename');
    const env = { DATABASE_URL: postgresUrl(database) };
    let dir = copyFixture('project');
    try {
      expect((await runCliInProcess(['create_db'], { cwd: dir, env })).code).toBe(0);
      dir = relocateProject(dir);
      writeModels(dir, AMBIGUOUS);
      const result = await runCliInProcess(['create_db'], { cwd: dir, env });
      expect(result.code, show(result)).toBe(1);
      expect(result.stderr).toMatch(/^error BT_CREATE_DB_AMBIGUOUS: .*could be a rename/m);
      expect(result.stderr).toMatch(/^hint: make the change in two runs/m);
      expect(result.stdout).not.toContain('Interactive prompts');
      expect(await postgresInspector(database)(columnsOf)).toContain('products.name');
    } finally {
      removeDir(dir);
    }
  });

  it('names every table a TRUNCATE ... CASCADE would empty, other apps\' too, with their rows, and --force warns the same', async () => {
    let dir = copyFixture('project');
    try {
      // A second app whose reviews point at the store's products.
      mkdirSync(path.join(dir, 'apps/reviews/db'), { recursive: true });
      writeFileSync(path.join(dir, 'apps/reviews/main.ts'), "import { App } from 'backendts';\nexport const app = new App({ models: ['./db/models'] });\n");
      writeFileSync(
        path.join(dir, 'apps/reviews/db/models.ts'),
        "import { integer, pgTable } from 'drizzle-orm/pg-core';\nimport { products } from '../../store/db/models.js';\n" +
          "export const reviews = pgTable('reviews', { id: integer('id').primaryKey(), product_id: integer('product_id').references(() => products.id) });\n",
      );
      writeFileSync(path.join(dir, 'config.ini'), readFileSync(path.join(dir, 'config.ini'), 'utf8').replace('    apps/store\n', '    apps/store\n    apps/reviews\n'));
      const database = fresh('cascade');
      const env = { DATABASE_URL: postgresUrl(database) };
      const first = await runCliInProcess(['create_db'], { cwd: dir, env });
      expect(first.code, show(first)).toBe(0);
      await queryPostgres(database, `insert into products (name) values ('Dune'), ('Go')`);
      await queryPostgres(database, `insert into reviews (id, product_id) select g, (select min(id) from products) from generate_series(1, 3) g`);
      // A NOT NULL column without default on a table with rows: drizzle-kit plans truncate "products" cascade.
      dir = relocateProject(dir);
      writeModels(dir, INITIAL.replace("name: text('name').notNull(),", "name: text('name').notNull(),\n  sku: text('sku').notNull(),"));
      const refused = await runCliInProcess(['create_db'], { cwd: dir, env });
      expect(refused.code, show(refused)).toBe(2);
      expect(refused.stderr).toMatch(/truncate table "products" cascade;.*-- empties a table/i);
      expect(refused.stderr).toContain('empties 2 tables (CASCADE follows the foreign keys that point at it):');
      expect(refused.stderr).toContain('"public"."products" (app "store"): 2 rows');
      expect(refused.stderr).toContain('"public"."reviews" (app "reviews"): 3 rows');
      const forced = await runCliInProcess(['create_db', '--force'], { cwd: dir, env });
      expect(forced.code, show(forced)).toBe(0);
      expect(forced.stderr).toContain('"public"."reviews" (app "reviews"): 3 rows');
      expect(await queryPostgres(database, 'select count(*)::int as n from reviews')).toEqual([{ n: 0 }]);
    } finally {
      removeDir(dir);
    }
  });

  it('reports in "done in" the whole wait from process start, start-up included', async () => {
    const database = fresh('timing');
    // A preload that holds the process for 2 s before the command starts: start-up the user waits through.
    const slowStart = path.join(projectDir, 'slow-start.mjs');
    writeFileSync(slowStart, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);\n');
    const env = { DATABASE_URL: postgresUrl(database), NODE_OPTIONS: `--import ${pathToFileURL(slowStart).href}` };
    const result = await runCli(['create_db'], { cwd: projectDir, env });
    expect(result.code, show(result)).toBe(0);
    const seconds = Number(/done in ([\d.]+) s/.exec(result.stdout)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(2);
  });

  it('names host, port and database of an unreachable server, never the password, with no stack', async () => {
    const result = await runCliInProcess(['create_db'], { cwd: projectDir, env: { DATABASE_URL: 'postgres://postgres:s3cret-pw@127.0.0.1:1/nowhere' } });
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toMatch(/^error BT_DB_UNREACHABLE: cannot reach PostgreSQL database "nowhere" on 127\.0\.0\.1:1/m);
    expect(result.stderr).toMatch(/^hint: /m);
    expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});


defineCreateDbSchemasSuite('postgres');
