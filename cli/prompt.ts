/** Asks one question at the terminal; a secret's answer is not echoed. */
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

/** Reads one line from stdin after printing `question`; `secret` hides what is typed. */
export async function ask(question: string, secret: boolean): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, encoding, callback) {
      if (!muted) process.stdout.write(chunk, encoding);
      callback();
    },
  });
  const reader = createInterface({ input: process.stdin, output, terminal: Boolean(process.stdin.isTTY) });
  try {
    const answer = reader.question(question);
    muted = secret;
    const value = await answer;
    if (secret) process.stdout.write('\n');
    return value;
  } finally {
    reader.close();
  }
}
