/**
 * Runs the real `backendts` command (dist/cli/main.js) as a subprocess, and
 * the real server it starts, for the end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root (this checkout). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The built command; `npm test` builds it first. */
export const cliPath = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

/** What a finished command printed, and how it exited. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli} and {@link startServer}. */
export interface CliOptions {
  /** Working folder: the project. */
  cwd: string;
  /** Extra environment variables (added to the test's own). */
  env?: Record<string, string | undefined>;
}

/** Fails with a clear message when dist/ has not been built. */
export function assertBuilt(): void {
  if (!existsSync(cliPath)) {
    throw new Error(`${cliPath} is missing: build first (npm run build, or npx tsc -p tsconfig.build.json)`);
  }
}

function environment(extra: CliOptions['env']): NodeJS.ProcessEnv {
  // A BACKENDTS_ENV or DATABASE_URL of the shell running the tests must not leak into them.
  const env: NodeJS.ProcessEnv = { ...process.env, BACKENDTS_ENV: undefined, DATABASE_URL: undefined, NO_COLOR: '1' };
  delete env.VITEST;
  delete env.NODE_OPTIONS;
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

/** Runs `backendts <args>` to completion. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      env: environment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `backendts <args>` and fails with everything it printed unless it exits 0. */
export async function runCliOk(args: string[], options: CliOptions): Promise<CliResult> {
  const result = await runCli(args, options);
  if (result.code !== 0) {
    throw new Error(
      `backendts ${args.join(' ')} exited with ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

/** Type-checks a project with this checkout's TypeScript (`tsc -p <dir>`); resolves to what it printed and its exit code. */
export function typeCheck(projectDir: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
    const child = spawn(process.execPath, [tsc, '-p', projectDir, '--noEmit'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A free TCP port on 127.0.0.1, for `run --port`. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A `backendts run` process serving on 127.0.0.1. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Sends SIGTERM and waits for the process to end. */
  stop(): Promise<CliResult>;
}

/**
 * Starts `backendts run --host 127.0.0.1 --port <free>` and waits until it
 * answers HTTP (any status). Fails with its output if it exits first.
 */
export async function startServer(options: CliOptions & { args?: string[] }): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [cliPath, 'run', '--host', '127.0.0.1', '--port', String(port), ...(options.args ?? [])], {
    cwd: options.cwd,
    env: environment(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  let exitedEarly: CliResult | undefined;
  void exited.then((result) => (exitedEarly = result));

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exitedEarly) {
      throw new Error(`backendts run exited with ${exitedEarly.code ?? exitedEarly.signal} before serving\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
    }
    try {
      await fetch(`${url}/`, { signal: AbortSignal.timeout(2_000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`backendts run did not answer on ${url} within 120 s\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    child,
    output: () => ({ stdout, stderr }),
    async stop() {
      if (!exitedEarly) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Sends a JSON request and returns the status and the parsed body. */
export async function request(
  url: string,
  init: { method?: string; json?: unknown } = {},
): Promise<{ status: number; body: any; text: string; contentType: string | null }> {
  const response = await fetch(url, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: init.json === undefined ? {} : { 'content-type': 'application/json' },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, contentType: response.headers.get('content-type') };
}
