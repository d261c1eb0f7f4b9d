/**
 * Runs the built `backendts` command (dist/cli/main.js) as a subprocess, as a
 * user would. Shared by the CLI tests and the end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The built command (`npm test` builds it first). */
export const cliPath = path.join(repoRoot, 'dist/cli/main.js');

/** How a finished command exited and what it printed. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Where a command runs. */
export interface CliOptions {
  /** Working folder: the project (or where it is to be made). */
  cwd: string;
  /** Extra environment variables; `undefined` removes one. */
  env?: Record<string, string | undefined>;
}

/** Fails clearly when dist/ was not built. */
export function assertBuilt(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
}

/** The environment of a command: the test's own, without variables that would change what it does. */
export function cliEnv(extra: CliOptions['env'] = {}): NodeJS.ProcessEnv {
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

/** Starts `backendts <args>`. */
export function spawnCli(args: string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `backendts <args>` to the end. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return finished(spawnCli(args, options));
}

/** Collects a started process's output until it exits. */
export function finished(child: ChildProcess): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Describes a result for a failed expectation. */
export function show(result: CliResult): string {
  return `exit ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
