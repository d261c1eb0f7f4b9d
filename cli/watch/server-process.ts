/**
 * One server child of `run --watch`: `backendts run` without --watch, in a
 * fresh Node process, so every restart imports the project's modules anew.
 * Its output is passed on line by line. It runs in a process group of its
 * own, so Ctrl+C reaches only the supervisor, which stops it gracefully
 * (the child's own handler would take a second signal as "exit at once").
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { typeScriptLoaderImport } from '../../runtime/project/load-typescript.js';
import type { Output } from '../output.js';
import { isListeningMessage, STOP_MESSAGE, WATCH_ENV_VAR, type ListeningMessage, type WatchedStart } from './protocol.js';

/** How long a child asked to stop may take before it is killed, in ms. */
const STOP_GRACE_MS = 10_000;

/** What a server child did first: listen, or exit (a start-up failure). */
export type ServerStart = { listening: ListeningMessage } | { exitCode: number | null };

/** A running server child. */
export interface ServerProcess {
  /** Resolves once the server listens, or exited before it did. */
  readonly started: Promise<ServerStart>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Asks the server to close gracefully and waits for its exit (killed after a bound). */
  stop(): Promise<void>;
  /** Kills it at once. */
  kill(): void;
}

/** Forks `backendts <args>` as a server child, telling it what the previous server ran with. */
export function startServerProcess(args: readonly string[], watched: WatchedStart, output: Output): ServerProcess {
  const self = fileURLToPath(import.meta.url);
  const fromSource = self.endsWith('.ts');
  const entry = path.join(path.dirname(self), '..', `main${fromSource ? '.ts' : '.js'}`);
  const child = fork(entry, [...args], {
    execArgv: fromSource ? ['--import', typeScriptLoaderImport()] : [],
    env: { ...process.env, [WATCH_ENV_VAR]: JSON.stringify(watched) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  passLines(child.stdout!, (line) => output.info(line));
  passLines(child.stderr!, (line) => output.error(line));

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  let listening = false;
  const started = new Promise<ServerStart>((resolve) => {
    child.on('message', (message) => {
      if (!isListeningMessage(message)) return;
      listening = true;
      resolve({ listening: message });
    });
    void exited.then((exitCode) => resolve({ exitCode }));
  });

  let stopped: Promise<void> | undefined;
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return {
    started,
    exited,
    kill,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // Listening, it closes on the message; still starting, it has no handler yet and SIGTERM ends it.
        if (listening && child.connected) child.send(STOP_MESSAGE, () => {});
        else child.kill('SIGTERM');
        const timer = setTimeout(kill, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}

/** Passes a child's output on, one line at a time. */
function passLines(stream: Readable, write: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', write);
}
