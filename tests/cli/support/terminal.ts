/**
 * Runs `backendts <args>` at a real terminal (a pseudo-terminal made by
 * util-linux `script`) and types answers when its questions appear.
 */
import { spawn } from 'node:child_process';
import { cliEnv, cliPath, type CliResult } from '../../support/cli.js';

/** A question the command is expected to print, and the line typed after it. */
export type Answer = readonly [question: string, typed: string];

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Resolves once the command exits, with everything the terminal showed (the
 * command's stdout and stderr, and whatever was echoed) as stdout, without
 * terminal control sequences.
 */
export function runAtTerminal(args: string[], cwd: string, answers: readonly Answer[]): Promise<CliResult> {
  const command = [process.execPath, cliPath, ...args].map(quote).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { cwd, env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let next = 0;
    let seenUpTo = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const answer = answers[next];
      // Typed only once the question is shown: the command has put the terminal in the mode it reads in.
      if (answer !== undefined && stdout.indexOf(answer[0], seenUpTo) !== -1) {
        seenUpTo = stdout.length;
        next++;
        child.stdin.write(`${answer[1]}\r`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    // Cursor moves and erases (readline redraws the line) removed: what a person would read.
    child.on('close', (code, signal) => resolve({ code, signal, stdout: stdout.replace(/\u001b\[[0-9;]*[A-Za-z]/g, ''), stderr }));
  });
}
