/** `backendts run --watch` as a subprocess: its output as it comes, and files saved as editors save them. */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { finished, spawnCli, type CliResult } from './cli.js';

/** A running `run --watch`. */
export interface Watcher {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved as received. */
  output(): string;
  /** Resolves with the output printed after `since` (an index into output()) once it matches `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp, since: number): Promise<string>;
  exit: Promise<CliResult>;
}

/** Starts `backendts run --watch <args>` in `cwd`. */
export function startWatcher(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Watcher {
  const child = spawnCli(['run', '--watch', ...args], { cwd, env });
  let text = '';
  const waiting = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const check of waiting) check();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exit = finished(child);
  return {
    child,
    exit,
    output: () => text,
    waitFor(pattern, since) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text.slice(since));
          if (!match) return;
          waiting.delete(check);
          resolve(text.slice(since));
        };
        waiting.add(check);
        check();
        void exit.then(() => {
          if (waiting.delete(check)) reject(new Error(`run --watch exited before printing ${pattern}:\n${text}`));
        });
      });
    },
  };
}

/** Writes `file` as editors save: into a temporary file beside it, renamed over it. */
export function saveAsEditor(file: string, content: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.swp`);
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

/** The processes (other than the test's own) whose command line mentions `text`: a server left behind names its project. */
export function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}
