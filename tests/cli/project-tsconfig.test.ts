/**
 * `--project` loads the project's TypeScript with the project's own
 * tsconfig.json, whatever folder the command runs from: a `paths` alias of the
 * project resolves, and the current folder's tsconfig (mapping the same alias
 * elsewhere) is not used.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, copyFixture, removeDir, runCli, show, tempDir } from './support/cli.js';
import { columnsOf, postgresInspector } from './support/inspect.js';
import { dropDatabase, postgresUrl, uniqueDatabaseName } from './support/postgres.js';
import { request, startServer } from './support/server.js';

const tsconfig = (target: string) =>
  JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', baseUrl: '.', paths: { '@store/*': [target] } } });

describe('--project with a tsconfig paths alias', () => {
  let projectDir: string;
  let elsewhere: string;
  let database: string;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli([...args, '--project', projectDir], { cwd: elsewhere, env });

  beforeAll(() => {
    assertBuilt();
    projectDir = copyFixture('project');
    writeFileSync(path.join(projectDir, 'tsconfig.json'), tsconfig('./apps/store/lib/*'));
    mkdirSync(path.join(projectDir, 'apps/store/lib'));
    writeFileSync(path.join(projectDir, 'apps/store/lib/names.ts'), "export const productsTable = 'products';\n");
    const models = path.join(projectDir, 'apps/store/db/models.ts');
    const source = readFileSync(models, 'utf8').replace("pgTable('products'", 'pgTable(productsTable');
    writeFileSync(models, `import { productsTable } from '@store/names.js';\n${source}`);
    // The folder the commands run from has a tsconfig of its own, mapping the same alias to nothing.
    elsewhere = tempDir('elsewhere');
    writeFileSync(path.join(elsewhere, 'tsconfig.json'), tsconfig('./nowhere/*'));
    database = uniqueDatabaseName('tsconfig');
    env = { DATABASE_URL: postgresUrl(database) };
  });

  afterAll(async () => {
    await dropDatabase(database);
    removeDir(projectDir);
    removeDir(elsewhere);
  });

  it('codegen, create_db and run resolve the alias with the project\'s tsconfig', async () => {
    const generated = await cli(['codegen']);
    expect(generated.code, show(generated)).toBe(0);
    const created = await cli(['create_db']);
    expect(created.code, show(created)).toBe(0);
    expect(await postgresInspector(database)(columnsOf)).toContain('products.name');
    const server = await startServer(['--port', '0', '--project', projectDir], elsewhere, env);
    try {
      expect((await request(`${server.url}/products`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.exit).code).toBe(0);
  });
});
