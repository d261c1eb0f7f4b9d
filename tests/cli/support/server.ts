/** Starts `backendts run` as a subprocess and waits for the address it prints. */
import type { ChildProcess } from 'node:child_process';
import { finished, spawnCli, type CliResult } from './cli.js';

/** A running server process. */
export interface RunningServer {
  /** The address printed by `run` (`http://127.0.0.1:<port>`). */
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited, with everything it printed. */
  exit: Promise<CliResult>;
}

/** Runs `backendts run <args>` until it prints "listening on <url>"; fails with its output if it exits first. */
export async function startServer(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<RunningServer> {
  const child = spawnCli(['run', ...args], { cwd, env });
  const exit = finished(child);
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    void exit.then((result) => reject(new Error(`run exited before listening (code ${result.code})\n${result.stdout}\n${result.stderr}`)));
  });
  return { url, child, exit };
}

/** Sends a JSON (or no) body and reads the JSON answer. */
export async function request(url: string, init: { method?: string; json?: unknown } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: init.json === undefined ? {} : { 'content-type': 'application/json' },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}
