/**
 * The command's own stdout and stderr as pipes: a reader that is slow
 * (`backendts create_db --dry-run | less`, a parent process) or that leaves
 * early (`| head`) must neither lose the output nor stop the command.
 */
import type { Writable } from 'node:stream';

/**
 * Resolves once every write queued on `stream` so far was handed to the
 * system (or the reader went away). Writes to a full pipe are queued in the
 * process and `process.exit()` drops that queue: without this wait, the end
 * of a long plan was lost.
 */
export function flushed(stream: Writable): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    // The callback of an empty write runs after every earlier write, in order; with an error when the reader left.
    stream.write('', () => resolve());
  });
}

/**
 * A reader that closed the pipe (`EPIPE`) no longer gets output, and the
 * command goes on to its end (a create_db half-way through its transaction
 * is not cut off); any other error on the stream stays fatal.
 */
export function outliveClosedReader(stream: Writable): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
