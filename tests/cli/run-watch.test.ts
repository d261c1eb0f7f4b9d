/**
 * `backendts run --watch`, as a user runs it: the built command as a
 * subprocess, real HTTP, files saved as editors save them (a rename over the
 * old file). One copy of the project serves every step on the embedded
 * database, in order; one more on PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, copyFixture, removeDir, runCliInProcess, show } from './support/cli.js';
import { ADDITIVE, INITIAL } from './support/models.js';
import { dropDatabase, postgresUrl, queryPostgres, uniqueDatabaseName } from './support/postgres.js';
import { request } from './support/server.js';
import { processesMentioning, saveAsEditor, startWatcher, type Watcher } from './support/watch.js';

/** The store app's main module, with one more route per version. */
function storeApp(extraRoutes: string): string {
  return `import { sql } from 'drizzle-orm';
import { App, Routes, Success } from 'backendts';
import { products } from './db/models.js';

const routes = new Routes();

routes.get('/products', async (request) => {
  const db = request.app.context.db_session();
  return new Success(await db.select().from(products));
});

routes.get('/columns', async (request) => {
  const result = await request.app.context.db_session().execute(
    sql\`select column_name from information_schema.columns where table_name = 'products' order by column_name\`,
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { column_name: string }[];
  return new Success(rows.map((row) => row.column_name));
});
${extraRoutes}
export const app = new App({ routes, models: ['./db/models'] });
`;
}

const RESTARTED = (file: string) => new RegExp(`restarted in \\d+\\.\\d s \\(${file.replace(/[./]/g, '\\$&')} changed\\)`);

describe('run --watch on the embedded database', () => {
  let projectDir: string;
  let watcher: Watcher;
  let url: string;
  const appFile = () => path.join(projectDir, 'apps/store/main.ts');
  const modelsFile = () => path.join(projectDir, 'apps/store/db/models.ts');

  beforeAll(async () => {
    assertBuilt();
    projectDir = copyFixture('project');
    const created = await runCliInProcess(['create_db'], { cwd: projectDir });
    if (created.code !== 0) throw new Error(show(created));
    saveAsEditor(appFile(), storeApp(''));
    watcher = startWatcher(['--port', '0'], projectDir);
    const first = await watcher.waitFor(/listening on (http:\/\/\S+) \(watching for changes/, 0);
    url = /listening on (http:\/\/\S+)/.exec(first)![1]!;
  });

  afterAll(() => {
    watcher?.child.kill('SIGKILL');
    removeDir(projectDir);
  });

  it('serves a changed route after one restart for a burst of saves, naming the file and the time it took', async () => {
    expect((await request(`${url}/version`)).status).toBe(404);
    const since = watcher.output().length;
    for (const version of [1, 2, 3]) saveAsEditor(appFile(), storeApp(`routes.get('/version', () => new Success(${version}));\n`));
    await watcher.waitFor(RESTARTED('apps/store/main.ts'), since);
    expect(await request(`${url}/version`)).toEqual({ status: 200, body: { status: 'success', data: 3 } });
  });

  it('reruns codegen and applies an additive model change before the new server starts', async () => {
    const since = watcher.output().length;
    saveAsEditor(modelsFile(), ADDITIVE);
    saveAsEditor(appFile(), storeApp(`routes.get('/prices', async (request) => new Success(await request.app.context.db_session().select({ price: products.price }).from(products)));\n`));
    const printed = await watcher.waitFor(/restarted in \d+\.\d s \(apps\/store\/db\/models\.ts and apps\/store\/main\.ts changed\)/, since);
    expect(printed).toContain('codegen: wrote .backendts/schema.ts');
    expect(readFileSync(path.join(projectDir, '.backendts/schema.ts'), 'utf8')).toContain('tags');
    expect(printed).toMatch(/models changed: applied \d+ statements to the embedded database/);
    expect(printed).toContain('ADD COLUMN "price" integer');
    expect((await request(`${url}/columns`)).body.data).toContain('price');
    expect(await request(`${url}/prices`)).toEqual({ status: 200, body: { status: 'success', data: [] } });
  });

  it('applies nothing for a change that would lose data, names the statement and create_db, and serves the new code', async () => {
    const since = watcher.output().length;
    saveAsEditor(modelsFile(), ADDITIVE.replace("  kind: productKind('kind').notNull().default('book'),\n", ''));
    const printed = await watcher.waitFor(RESTARTED('apps/store/db/models.ts'), since);
    expect(printed).toMatch(/ALTER TABLE "products" DROP COLUMN "kind";\s+-- drops a column/);
    expect(printed).toContain('nothing was applied to the embedded database');
    expect(printed).toContain('run backendts create_db --force');
    expect((await request(`${url}/columns`)).body.data).toContain('kind');
    const products = await request(`${url}/products`);
    expect(products.status).toBe(200);
  });

  it('prints a syntax error, keeps watching, and restarts once it is fixed', async () => {
    const since = watcher.output().length;
    saveAsEditor(appFile(), storeApp(`routes.get('/broken', () => {\n`));
    const printed = await watcher.waitFor(/the server did not start \(apps\/store\/main\.ts changed\): waiting for a change to restart/, since);
    expect(printed).toMatch(/error BT_\w+: .*apps\/store\/main\.ts/);
    const fixed = watcher.output().length;
    saveAsEditor(appFile(), storeApp(`routes.get('/version', () => new Success('fixed'));\n`));
    await watcher.waitFor(RESTARTED('apps/store/main.ts'), fixed);
    expect((await request(`${url}/version`)).body.data).toBe('fixed');
  });

  it('restarted once per burst of saves', () => {
    expect(watcher.output().match(/restarted in/g)).toHaveLength(4);
  });

  it('stops its server and exits 0 on SIGTERM', async () => {
    expect(processesMentioning(projectDir)).toHaveLength(1);
    watcher.child.kill('SIGTERM');
    const exit = await watcher.exit;
    expect(exit.code, show(exit)).toBe(0);
    expect(processesMentioning(projectDir)).toEqual([]);
    await expect(fetch(`${url}/products`)).rejects.toThrow();
  });
});

describe('run --watch on PostgreSQL', () => {
  let projectDir: string;
  let database: string;
  let env: Record<string, string>;
  let watcher: Watcher | undefined;

  beforeAll(async () => {
    projectDir = copyFixture('project');
    database = uniqueDatabaseName('watch');
    env = { DATABASE_URL: postgresUrl(database) };
    const created = await runCliInProcess(['create_db'], { cwd: projectDir, env });
    if (created.code !== 0) throw new Error(show(created));
  });

  afterAll(async () => {
    watcher?.child.kill('SIGKILL');
    await watcher?.exit;
    await dropDatabase(database);
    removeDir(projectDir);
  });

  it('says that create_db must be run when the models change, and changes nothing', async () => {
    watcher = startWatcher(['--port', '0'], projectDir, env);
    await watcher.waitFor(/listening on/, 0);
    const since = watcher.output().length;
    saveAsEditor(path.join(projectDir, 'apps/store/db/models.ts'), ADDITIVE);
    const printed = await watcher.waitFor(RESTARTED('apps/store/db/models.ts'), since);
    expect(printed).toContain(`models changed: --watch does not change the PostgreSQL database "${database}"; run backendts create_db to apply them`);
    const columns = await queryPostgres<{ column_name: string }>(database, `select column_name from information_schema.columns where table_name = 'products'`);
    expect(columns.map((row) => row.column_name)).not.toContain('price');
    expect(INITIAL).not.toContain('price');
  });
});

describe('run --watch refusals', () => {
  it('refuses --workers with a coded error', async () => {
    const result = await runCliInProcess(['run', '--watch', '--workers', '2'], { cwd: path.resolve('fixtures/cli/project') });
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toContain('error BT_RUN_WATCH_WORKERS: --watch restarts one server process; it cannot be combined with --workers 2');
  });
});
