/**
 * Runs the built `backendts` command (dist/cli/main.js) as a subprocess in a
 * temporary project, as a user would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The built command (`npm test` builds it first). */
export const cliPath = path.join(repoRoot, 'dist/cli/main.js');

/** How a finished command exited and what it printed. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Fails clearly when dist/ was not built. */
export function assertBuilt(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
}

/** The environment of a command: the test's own, without variables that would change what it does. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of ['VITEST', 'VITEST_WORKER_ID', 'VITEST_POOL_ID', 'NODE_OPTIONS', 'BACKENDTS_ENV', 'DATABASE_URL', 'BACKENDTS_PROJECT_DIR']) {
    delete env[key];
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts `backendts <args>` in `cwd`. */
export function spawnCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], { cwd, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `backendts <args>` in `cwd` to the end. */
export function runCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return finished(spawnCli(args, cwd, env));
}

/** Collects a started command's output until it exits. */
export function finished(child: ChildProcess): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Describes a result for a failed expectation. */
export function show(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** A new empty temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `backendts-cli-${prefix}-`));
}

/**
 * Makes `dir` a place where a project can import `backendts` and
 * `drizzle-orm`: an ESM package.json (unless one exists) and node_modules
 * links to this checkout.
 */
export function linkDependencies(dir: string): void {
  if (!existsSync(path.join(dir, 'package.json'))) {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cli-test-project', private: true, type: 'module' }));
  }
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(repoRoot, path.join(dir, 'node_modules/backendts'), 'dir');
  symlinkSync(path.join(repoRoot, 'node_modules/drizzle-orm'), path.join(dir, 'node_modules/drizzle-orm'), 'dir');
}

/** Copies `fixtures/cli/<name>` into a new temporary folder, ready to run. */
export function copyFixture(name: string): string {
  const dir = tempDir(name);
  cpSync(path.join(repoRoot, 'fixtures/cli', name), dir, { recursive: true });
  linkDependencies(dir);
  return dir;
}

/** Removes a temporary folder. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
