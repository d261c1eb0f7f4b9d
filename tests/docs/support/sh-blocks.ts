/**
 * Checks the `backendts` command lines of ```sh / ```bash blocks (and those
 * typed at a `$ ` prompt in ```text transcripts) against the
 * CLI's own definitions (cli/wiring.ts): each command must exist, and each
 * flag must be one of that command's or a global one. A command is
 * `backendts ...`, `npx backendts ...` or `node <path>/dist/cli/main.js ...`;
 * synopsis lines (`backendts run [--port <port>]`) are checked the same way.
 */
import { commandDefinitions } from '../../../cli/wiring.js';
import { placeOf, type DocBlock } from './blocks.js';

const { commands, globalFlags } = commandDefinitions();

/** The logical lines of a shell block (`\` continuations joined), comments removed, with their line in the block. */
function commandLines(source: string): { text: string; line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let pending: { text: string; line: number } | undefined;
  source.split('\n').forEach((raw, index) => {
    const text = raw.replace(/(^|\s)#.*$/, '');
    const current = pending ? { text: `${pending.text} ${text}`, line: pending.line } : { text, line: index + 1 };
    if (/\\\s*$/.test(current.text)) pending = { text: current.text.replace(/\\\s*$/, ''), line: current.line };
    else {
      pending = undefined;
      lines.push(current);
    }
  });
  return lines;
}

/** The words after `backendts` in each command of a line (`a && b`, `a; b`, `a | b`). */
function backendtsInvocations(line: string): string[][] {
  const invocations: string[][] = [];
  for (const part of line.split(/&&|\|\||;|\|/)) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    const at = words.findIndex((word) => word === 'backendts' || /(^|\/)dist\/cli\/main\.js$/.test(word));
    // `backendts` as an argument of another command (npm install backendts) is not a run of it.
    if (at === -1 || (at > 0 && !['npx', 'node'].includes(words[at - 1]!) && !/^[A-Z_]+=/.test(words[at - 1]!))) continue;
    invocations.push(words.slice(at + 1));
  }
  return invocations;
}

/** What is wrong with one invocation's words, if anything. */
function invocationProblem(words: string[]): string | undefined {
  const [name, ...rest] = words;
  if (name === undefined || name.startsWith('<') || name.startsWith('-')) {
    return undefined === name ? undefined : flagProblems(words, globalFlags);
  }
  const command = commands.find((candidate) => candidate.name === name || candidate.aliases.includes(name));
  if (!command) return `unknown command "${name}" (commands: ${commands.map((known) => known.name).join(', ')})`;
  return flagProblems(rest, [...command.flags, ...globalFlags], command.name);
}

/** Flags among `words` that are not in `known` (`[--port <port>]`, `--set key=value` and `--flag...` read as the flag). */
function flagProblems(words: string[], known: string[], command?: string): string | undefined {
  const unknown = words
    .map((word) => word.replace(/^\[+/, '').replace(/[\].]+$/, '').replace(/=.*$/, ''))
    .filter((word) => word.startsWith('--') && !known.includes(word));
  if (unknown.length === 0) return undefined;
  return `${command ?? 'backendts'} has no flag ${unknown.join(', ')} (flags: ${known.join(', ')})`;
}

/**
 * Problems of the block's backendts command lines, each at its document
 * line; and how many lines ran backendts. In a ```text block (a terminal
 * transcript) only the lines typed after a `$ ` prompt are commands.
 */
export function shellProblems(block: DocBlock): { problems: string[]; invocations: number } {
  const problems: string[] = [];
  let invocations = 0;
  const typed = block.language === 'text' ? (line: string) => (line.startsWith('$ ') ? line.slice(2) : '') : (line: string) => line;
  for (const { text, line } of commandLines(block.source.split('\n').map(typed).join('\n'))) {
    for (const words of backendtsInvocations(text)) {
      invocations++;
      const problem = invocationProblem(words);
      if (problem) problems.push(`${placeOf(block, line)} ${problem}`);
    }
  }
  return { problems, invocations };
}
