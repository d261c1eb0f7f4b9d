/**
 * A project compiled to JavaScript runs with no TypeScript loader: the
 * runtime and the CLI register tsx only to import a `.ts` file: it starts,
 * runs codegen and serves through `backendts run`. Each case
 * runs plain Node with a hook that fails any import of tsx.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { transpilePackage, type TranspiledPackage } from '../codegen/transpiled-package.js';
import { FIXTURES } from './support.js';

const run = promisify(execFile);
const noTsx = new URL('../support/no-typescript-loader.mjs', import.meta.url).href;

let pkg: TranspiledPackage;
let root: string;

/** A standalone copy of a fixture project (`"type": "module"`) with backendts installed. */
function install(from: string, name: string): string {
  const dir = path.join(root, name);
  cpSync(from, dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}.backendts`) });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, private: true, type: 'module' })}\n`);
  pkg.install(dir);
  return dir;
}

/**
 * Runs Node without tsx in `cwd`; resolves with stdout, rejects with the
 * child's failure. The database is the test server's maintenance database
 * (the engine only checks that it answers), quicker to open than PGlite.
 */
async function nodeWithoutTsx(cwd: string, args: string[]): Promise<string> {
  const env = { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' };
  const { stdout } = await run(process.execPath, ['--import', noTsx, ...args], { cwd, env });
  return stdout;
}

const startScript = `
  const { bp } = await import('./main.js');
  await bp.start();
  console.log(JSON.stringify(Object.keys(bp.context.db_engine.schema)));
  await bp.close();
`;

beforeAll(() => {
  pkg = transpilePackage();
  root = mkdtempSync(path.join(os.tmpdir(), 'backendts-compiled-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  pkg.remove();
});

describe('a project compiled to JavaScript', () => {
  test('starts, database schema included, without importing tsx', async () => {
    const dir = install(path.join(FIXTURES, 'compiled'), 'compiled');
    const stdout = await nodeWithoutTsx(dir, ['--input-type=module', '-e', startScript]);
    expect(JSON.parse(stdout)).toEqual(['greetings']);
  });

  test('goes through backendts codegen without importing tsx', async () => {
    const dir = install(path.join(FIXTURES, 'compiled'), 'compiled-codegen');
    const stdout = await nodeWithoutTsx(dir, [path.join(pkg.dir, 'dist/cli/main.js'), 'codegen']);
    expect(stdout).toContain('collected 1 object from 1 app');
  });

  test('serves through backendts run, on PostgreSQL, without importing tsx, and stops on SIGTERM', async () => {
    const dir = install(path.join(FIXTURES, 'compiled'), 'compiled-run');
    const env = { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' };
    const child = spawn(process.execPath, ['--import', noTsx, path.join(pkg.dir, 'dist/cli/main.js'), 'run', '--port', '0'], { cwd: dir, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        void exited.then(() => reject(new Error(`run exited before listening:\n${output}`)));
      });
      const response = await fetch(`${url}/hello`);
      expect(await response.text()).toBe('hello');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code, output).toBe(0);
    expect(output).not.toMatch(/TypeScript loader/);
  });

  test('a TypeScript project does import tsx (the check above sees it)', async () => {
    const dir = install(path.join(FIXTURES, 'basic'), 'typescript');
    await expect(nodeWithoutTsx(dir, ['--input-type=module', '-e', `const { Backendts } = await import('backendts'); await new Backendts({ projectDir: process.cwd() }).init();`])).rejects.toThrow(
      /TypeScript loader \(tsx/,
    );
  });
});
