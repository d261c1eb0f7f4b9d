/**
 * A project made by create_project (and create_app) works as it is, on the
 * embedded database: codegen → create_db → init_project → run → HTTP → SIGTERM,
 * and init_project's questions at a terminal.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, linkDependencies, removeDir, runCli, show, tempDir } from './support/cli.js';
import { request, startServer } from './support/server.js';
import { runAtTerminal } from './support/terminal.js';

// Each step opens the embedded database, which takes seconds on a busy machine.
describe('a project scaffolded by create_project --full', { timeout: 180_000 }, () => {
  let workspace: string;
  let projectDir: string;

  beforeAll(() => {
    assertBuilt();
    workspace = tempDir('scaffold');
    // node_modules in the parent folder: the new project resolves backendts and drizzle-orm there.
    linkDependencies(workspace);
    projectDir = path.join(workspace, 'my-shop');
  });

  afterAll(() => removeDir(workspace));

  it('writes an ESM TypeScript project with one app, the embedded database, and the next steps', async () => {
    const result = await runCli(['create_project', '--name', 'my-shop', '--full'], { cwd: workspace });
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain('npx backendts create_db');
    const manifest = JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'my-shop', type: 'module', dependencies: { backendts: expect.any(String) } });
    // This copy is not a registry install: it is packed into the project, which installs it at once.
    expect(manifest.dependencies.backendts).toMatch(/^file:vendor\/backendts-\d+\.\d+\.\d+\.tgz$/);
    expect(existsSync(path.join(projectDir, manifest.dependencies.backendts.slice('file:'.length)))).toBe(true);
    expect(result.stdout).toContain('(this copy of backendts, packed)');
    // drizzle-orm is backendts's peer: the project's copy is the only one, in the range backendts asks for.
    const own = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'));
    expect(own.dependencies['drizzle-orm']).toBeUndefined();
    expect(manifest.dependencies['drizzle-orm']).toBe(own.peerDependencies['drizzle-orm']);
    expect(JSON.parse(readFileSync(path.join(projectDir, 'tsconfig.json'), 'utf8')).include).toContain('.backendts/**/*.ts');
    const config = readFileSync(path.join(projectDir, 'config.ini'), 'utf8');
    expect(config).toMatch(/^\[database\]\n; host = localhost\n; port = 5432\n; name = your_db_name/m);
    expect(readFileSync(path.join(projectDir, 'main.ts'), 'utf8')).toContain('setDatabaseHooks(bp)');
    for (const file of ['apps/hello/main.ts', 'apps/hello/db/models.ts', 'apps/hello/controllers/handlers.ts', 'apps/hello/init.ts', 'apps/hello/controllers/validators.ts']) {
      expect(existsSync(path.join(projectDir, file)), file).toBe(true);
    }
  });

  it('refuses to create it again over the existing files', async () => {
    const before = readFileSync(path.join(projectDir, 'main.ts'), 'utf8');
    const result = await runCli(['create_project', '--name', 'my-shop'], { cwd: workspace });
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toMatch(/^error BT_SCAFFOLD_EXISTS: .*already exist/m);
    expect(readFileSync(path.join(projectDir, 'main.ts'), 'utf8')).toBe(before);
  });

  it('adds an app with create_app and activates it in config.ini', async () => {
    const result = await runCli(['create_app', '--name', 'blog'], { cwd: projectDir });
    expect(result.code, show(result)).toBe(0);
    expect(readFileSync(path.join(projectDir, 'config.ini'), 'utf8')).toMatch(/active =\n {4}apps\/hello\n {4}apps\/blog\n/);
    const again = await runCli(['create_app', '--name', 'blog'], { cwd: projectDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('BT_SCAFFOLD_EXISTS');
  });

  it('passes codegen and create_db on the embedded database', async () => {
    const codegen = await runCli(['codegen'], { cwd: projectDir });
    expect(codegen.code, show(codegen)).toBe(0);
    expect(readFileSync(path.join(projectDir, '.backendts/schema.ts'), 'utf8')).toMatch(/helloItems[\s\S]*blogItems|blogItems[\s\S]*helloItems/);
    const createDb = await runCli(['create_db'], { cwd: projectDir });
    expect(createDb.code, show(createDb)).toBe(0);
    expect(createDb.stdout).toContain('embedded database created');
    expect(createDb.stdout).toContain('collected 2 tables from 2 apps');
  });

  it('runs the init function with a value given by --set, and fails clearly on a malformed one', async () => {
    const bad = await runCli(['init_project', '--set', 'no-equals-sign'], { cwd: projectDir });
    expect(bad.code, show(bad)).toBe(1);
    expect(bad.stderr).toMatch(/^error BT_CLI_OPTION: --set no-equals-sign is not key=value/m);
    const result = await runCli(['init_project', '--set', 'hello_first_item=Made by init'], { cwd: projectDir });
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain('app "hello": running its initFunc');
    expect(result.stdout).toContain('done: 1 app initialised');
  });

  it('serves requests with run, then exits 0 on SIGTERM', async () => {
    const server = await startServer(['--port', '0'], projectDir);
    try {
      const first = await request(`${server.url}/hello/items`);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'success', data: [{ id: 1, title: 'Made by init' }] });
      const created = await request(`${server.url}/blog/items`, { json: { title: 'A post' } });
      expect(created.status).toBe(201);
      const invalid = await request(`${server.url}/hello/items`, { json: { title: '' } });
      expect(invalid.status).toBe(400);
      expect((await request(`${server.url}/hello/items/999`)).status).toBe(404);
    } finally {
      server.child.kill('SIGTERM');
    }
    const exit = await server.exit;
    expect(exit.code, show(exit)).toBe(0);
  });

  it('asks at a terminal for [init] values left empty, without echoing a secret', async () => {
    const configFile = path.join(projectDir, 'config.ini');
    const config = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, config.replace(/^hello_first_item = .*$/m, 'hello_first_item =\nadmin_password ='));
    let result;
    try {
      result = await runAtTerminal(['init_project'], projectDir, [
        ['hello_first_item: ', 'From the prompt'],
        ['admin_password: ', 'hunter2'],
      ]);
    } finally {
      writeFileSync(configFile, config);
    }
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain('hello_first_item: From the prompt');
    expect(result.stdout).toContain('admin_password: ');
    expect(result.stdout).not.toContain('hunter2');
    // The init function only adds an item to an empty table, so the answer's way into
    // config.init is the one the --set test above checks.
    expect(result.stdout).toContain('done: 1 app initialised');
  });
});
