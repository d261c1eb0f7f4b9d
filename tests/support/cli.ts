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

/** What a command's environment changes in the test's own: the variables that would change what it does, removed, and `extra`. */
function projectEnv(extra: CliOptions['env'] = {}): Record<string, string | undefined> {
  return { NO_COLOR: '1', BACKENDTS_ENV: undefined, DATABASE_URL: undefined, BACKENDTS_PROJECT_DIR: undefined, ...extra };
}

/** Applies `changes` to `env` (`undefined` removes a variable). */
function applyEnv(env: NodeJS.ProcessEnv, changes: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
}

/** The environment of a command: the test's own, without the test runner's and the variables that would change what it does. */
export function cliEnv(extra: CliOptions['env'] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  applyEnv(env, { VITEST: undefined, VITEST_WORKER_ID: undefined, VITEST_POOL_ID: undefined, NODE_OPTIONS: undefined, ...projectEnv(extra) });
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

/** In-process runs take turns: each sets the process's environment for its duration. */
let inProcessTurn: Promise<unknown> = Promise.resolve();

/**
 * Runs `backendts <args>` inside this process, through the same entry as the
 * built command (cli/wiring.ts's runBackendts), with the environment of
 * {@link cliEnv} for its duration (the test runner's own variables kept) and its output captured. Seconds faster
 * than {@link runCli}: no Node start, no loading of drizzle-kit per run.
 * Modules are cached per process: a test that changes a project's models
 * between runs copies the project to a new folder (a new path) first.
 */
export function runCliInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const run = inProcessTurn.then(() => inProcess(args, options));
  inProcessTurn = run.catch(() => undefined);
  return run;
}

async function inProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const { runBackendts } = await import('../../cli/wiring.js');
  const changes = projectEnv(options.env);
  const saved = Object.fromEntries(Object.keys(changes).map((key) => [key, process.env[key]]));
  applyEnv(process.env, changes);
  let stdout = '';
  let stderr = '';
  try {
    const code = await runBackendts(args, {
      cwd: options.cwd,
      stdout: { write: (text) => ((stdout += text), true) },
      stderr: { write: (text) => ((stderr += text), true) },
    });
    return { code: code ?? null, signal: null, stdout, stderr };
  } finally {
    applyEnv(process.env, saved);
  }
}
