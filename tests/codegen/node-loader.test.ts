/**
 * The CLI loads a project with Node's own loader plus tsx (not vite, as
 * the other tests do): generate there, load the generated schema there,
 * and let drizzle-kit read the generated config.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generate } from '../../codegen/index.js';
import { typeScriptLoaderImport } from '../../runtime/project/load-typescript.js';
import { copyFixture, repoRoot, type FixtureCopy } from './fixture-copy.js';
import { transpilePackage, type TranspiledPackage } from './transpiled-package.js';

const run = promisify(execFile);
const names = ['schema.ts', 'types.d.ts', 'drizzle.config.ts'];

let pkg: TranspiledPackage;
let project: FixtureCopy;
let reference: FixtureCopy;

beforeAll(() => {
  pkg = transpilePackage();
  project = copyFixture('three-apps', { standalone: true });
  pkg.install(project.dir);
  reference = copyFixture('three-apps');
});
afterAll(() => {
  project.remove();
  reference.remove();
  pkg.remove();
});

/** Runs an ES module snippet with plain Node in the project folder; returns its stdout. */
async function node(code: string, execArgv: string[] = []): Promise<string> {
  const { stdout } = await run(process.execPath, [...execArgv, '--input-type=module', '-e', code], { cwd: project.dir, env: { ...process.env, NO_COLOR: '1' } });
  return stdout;
}

describe('codegen under Node with the tsx loader', () => {
  test('generate registers the loader itself and writes the same bytes as under vite', async () => {
    const stdout = await node(`
      const { generate } = await import('backendts/codegen');
      const result = await generate({ projectDir: process.cwd() });
      console.log(JSON.stringify({ statuses: result.files.map((f) => f.status), names: result.entries.map((e) => e.name) }));
    `);
    const fromNode = JSON.parse(stdout) as { statuses: string[]; names: string[] };
    expect(fromNode.statuses).toEqual(['written', 'written', 'written']);
    const fromVite = await generate({ projectDir: reference.dir });
    expect(fromNode.names).toEqual(fromVite.entries.map((entry) => entry.name));
    for (const name of names) {
      expect(readFileSync(path.join(project.dir, '.backendts', name), 'utf8')).toBe(readFileSync(path.join(reference.dir, '.backendts', name), 'utf8'));
    }
  });

  test('the generated schema module loads under node --import tsx and holds every collected name', async () => {
    const stdout = await node(
      `const schema = await import('./.backendts/schema.ts'); console.log(JSON.stringify(Object.keys(schema).sort()));`,
      ['--import', typeScriptLoaderImport()],
    );
    const collected = await generate({ projectDir: reference.dir, check: true });
    expect(JSON.parse(stdout)).toEqual(collected.entries.map((entry) => entry.name).sort());
  });

  test('drizzle-kit reads the generated config and turns the schema into SQL with the cross-app foreign keys', async () => {
    await run(process.execPath, [path.join(repoRoot, 'node_modules/drizzle-kit/bin.cjs'), 'generate', '--config', '.backendts/drizzle.config.ts'], {
      cwd: project.dir,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const out = path.join(project.dir, 'drizzle');
    const sqlFile = readdirSync(out).find((file) => file.endsWith('.sql'))!;
    const sql = readFileSync(path.join(out, sqlFile), 'utf8');
    expect(sql).toContain('CREATE SCHEMA "blog"');
    expect(sql).toContain(`CREATE TYPE "public"."role" AS ENUM('reader', 'writer', 'admin')`);
    expect(sql).toContain('CREATE TABLE "blog"."posts"');
    expect(sql).toContain('CREATE SEQUENCE "public"."issue_numbers"');
    expect(sql).toMatch(/FOREIGN KEY \("author_id"\) REFERENCES "public"."users"\("id"\)/);
    expect(sql).toMatch(/FOREIGN KEY \("favorite_post_id"\) REFERENCES "blog"."posts"\("id"\)/);
    expect(sql).toContain('CREATE VIEW "blog"."post_titles"');
  });
});
