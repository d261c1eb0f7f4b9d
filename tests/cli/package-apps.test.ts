/**
 * Apps installed as packages: dual-app ships an ES module build and a
 * CommonJS build of the same app and tables, import-only-app ships ES modules
 * only (no `require` entry, its models behind a `./db/*` pattern), and the
 * project's own app re-exports dual-app's table as Node's `import` gives it.
 * Codegen, create_db and the server take each package's module the way
 * Node's `import` resolves it, so every table is collected once.
 */
import { cpSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSchema } from '../../codegen/index.js';
import { loadConfig } from '../../runtime/project/config.js';
import { collectAppSchema } from '../../runtime/schema/app-schema.js';
import { loadApps } from '../../runtime/project/apps.js';
import { assertBuilt, copyProject, removeDir, repoRoot, runCliInProcess, show } from './support/cli.js';
import { columnsOf, pgliteInspector, postgresInspector } from './support/inspect.js';
import { dropDatabase, postgresUrl, uniqueDatabaseName } from './support/postgres.js';
import { request, startServer } from './support/server.js';

const COLUMNS = ['authors.id', 'authors.name', 'notes.body', 'notes.id', 'posts.author_id', 'posts.id', 'posts.title'];

let projectDir: string;
const database = uniqueDatabaseName('packages');

beforeAll(() => {
  assertBuilt();
  projectDir = copyProject('fixtures/packages/project');
  for (const name of ['dual-app', 'import-only-app']) {
    cpSync(path.join(repoRoot, 'fixtures/packages', name), path.join(projectDir, 'node_modules', name), { recursive: true });
  }
});

afterAll(async () => {
  await dropDatabase(database);
  removeDir(projectDir);
});

describe('apps installed as packages', { timeout: 120_000 }, () => {
  it('loads the ES module build of a dual package, from the package folder', async () => {
    const { config, file } = loadConfig(projectDir);
    const apps = await loadApps(projectDir, config, file);
    const installed = realpathSync(path.join(projectDir, 'node_modules'));
    expect(apps.map((app) => [app.name, app.isPackage, app.dir, app.mainFile])).toEqual([
      ['dual', true, `${installed}/dual-app`, `${installed}/dual-app/esm/index.js`],
      ['notes', true, `${installed}/import-only-app`, `${installed}/import-only-app/lib/index.js`],
      ['blog', false, `${projectDir}/apps/blog`, `${projectDir}/apps/blog/main.ts`],
    ]);
  });

  it('collects one copy of the dual package\'s table: the ES module one the project app re-exports', async () => {
    const { config, file } = loadConfig(projectDir);
    const apps = (await loadApps(projectDir, config, file)).filter((app) => app.name !== 'notes');
    const collected = await collectAppSchema(projectDir, apps);
    expect(collected.entries.map((entry) => [entry.app, entry.name])).toEqual([
      ['dual', 'authors'],
      ['blog', 'posts'],
    ]);
    const blog = (await import(path.join(projectDir, 'apps/blog/db/models.ts'))) as Record<string, unknown>;
    expect(collected.schema.authors).toBe(blog.authors);
  });

  it('collects the models of a package with ES modules only, behind a subpath pattern', async () => {
    const collected = await collectSchema({ projectDir });
    const installed = realpathSync(path.join(projectDir, 'node_modules'));
    expect(collected.entries.map((entry) => [entry.app, entry.name, entry.file])).toEqual([
      ['dual', 'authors', `${installed}/dual-app/esm/models.js`],
      ['notes', 'notes', `${installed}/import-only-app/lib/db/models.js`],
      ['blog', 'posts', `${projectDir}/apps/blog/db/models.ts`],
    ]);
  });

  it('codegen imports each package model module by its specifier', async () => {
    const result = await runCliInProcess(['codegen'], { cwd: projectDir });
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain('collected 3 objects from 3 apps');
    const schema = readFileSync(path.join(projectDir, '.backendts/schema.ts'), 'utf8');
    expect(schema).toContain('export {\n  authors,\n} from "dual-app/models";');
    expect(schema).toContain('export {\n  notes,\n} from "import-only-app/db/models";');
  });

  it('create_db makes each table once on the embedded database (PGlite)', async () => {
    const result = await runCliInProcess(['create_db'], { cwd: projectDir });
    expect(result.code, show(result)).toBe(0);
    expect(await pgliteInspector(path.join(projectDir, '.backendts/db'))(columnsOf)).toEqual(COLUMNS);
  });

  it('create_db makes each table once on PostgreSQL, and the server runs the ES module build', async () => {
    const env = { DATABASE_URL: postgresUrl(database) };
    const result = await runCliInProcess(['create_db'], { cwd: projectDir, env });
    expect(result.code, show(result)).toBe(0);
    expect(await postgresInspector(database)(columnsOf)).toEqual(COLUMNS);
    const server = await startServer([], projectDir, env);
    try {
      const created = await request(`${server.url}/authors`, { json: { name: 'Ursula' } });
      expect(created).toEqual({ status: 200, body: { status: 'success', data: { id: 1, name: 'Ursula', build: 'esm' } } });
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  });
});
