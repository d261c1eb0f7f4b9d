/**
 * Runs one command's action and turns its outcome into an exit code: the
 * number it returns, or 1 with one formatted line (plus hint) for an error.
 * An action that returns nothing keeps the process running (a server, a
 * watcher) until it ends by itself.
 * A BackendtsError never prints a stack unless `--debug` was given.
 */
import { BackendtsError, formatError } from '../runtime/core/errors.js';
import type { OutputStream } from './output.js';

/** Exit code of any failure. */
export const EXIT_ERROR = 1;

/** Runs `action`; prints a failure to `stderr`; resolves to the exit code, or undefined to keep running. */
export async function runCommand(
  action: () => Promise<number | void>,
  debug: boolean,
  stderr: OutputStream = process.stderr,
): Promise<number | undefined> {
  try {
    return (await action()) ?? undefined;
  } catch (error) {
    stderr.write(`${formatError(error, debug)}\n`);
    return EXIT_ERROR;
  }
}

/** A usage mistake (unknown command or option, missing value), pointing at `--help` and at `meant` when there is a close name. */
export function usageError(message: string, command?: string, meant?: string): BackendtsError {
  const help = command ? `run backendts ${command} --help to see its options` : 'run backendts --help to see the commands';
  return new BackendtsError('BT_CLI_USAGE', message, { hint: meant === undefined ? help : `did you mean ${meant}? ${help}` });
}
