/**
 * Runs the real `backendts` command (dist/cli/main.js) as a subprocess, and
 * the real server it starts, for the end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { cliEnv, finished, repoRoot, runCli, spawnCli, type CliOptions, type CliResult } from '../../support/cli.js';

export { assertBuilt, repoRoot, runCli, type CliOptions, type CliResult } from '../../support/cli.js';

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
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  return finished(spawn(process.execPath, [tsc, '-p', projectDir, '--noEmit'], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

/**
 * Runs a project's own tests as its user would (`npx vitest run` in the
 * project folder, with this checkout's vitest), outside this test runner's
 * environment.
 */
export function runProjectTests(options: CliOptions & { args?: string[] }): Promise<CliResult> {
  const vitest = path.join(repoRoot, 'node_modules/vitest/vitest.mjs');
  const child = spawn(process.execPath, [vitest, 'run', ...(options.args ?? [])], { cwd: options.cwd, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  return finished(child);
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
  const child = spawnCli(['run', '--host', '127.0.0.1', '--port', String(port), ...(options.args ?? [])], options);
  // Kept as it comes, for output() and for the errors below; finished() gathers the same for the end.
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = finished(child);
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
