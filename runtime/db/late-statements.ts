/**
 * A statement refused because its request's session had ended is the
 * handler's mistake (a statement not awaited, or sent from a timer after the
 * response), not a reason for the server to stop. Node ends the process on
 * an unhandled rejection; when the rejected value is such a refusal, it is
 * logged instead, naming the request. Every other unhandled rejection keeps
 * Node's behaviour.
 */

/** Logs one refusal that nothing handled. */
export type RefusalReport = (error: Error) => void;

const REPORT = Symbol.for('backendts.db.refusalReport');
const INSTALLED = Symbol.for('backendts.db.refusalGuard');

/** Marks `error` as a refusal of backendts's own, reported through `report` when nothing handles it. */
export function markRefusal<E extends Error>(error: E, report: RefusalReport | undefined): E {
  Object.defineProperty(error, REPORT, { value: report ?? defaultReport });
  return error;
}

/**
 * Installs the process's `unhandledRejection` listener (once per process,
 * whatever the number of projects or copies of backendts).
 */
export function guardUnhandledRefusals(): void {
  const flags = process as unknown as Record<symbol, boolean | undefined>;
  if (flags[INSTALLED]) return;
  flags[INSTALLED] = true;
  process.on('unhandledRejection', onUnhandledRejection);
}

function onUnhandledRejection(reason: unknown): void {
  // Drizzle wraps what the driver rejects with in an error of its own: look along the causes.
  let current = reason;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const report = (current as Record<symbol, RefusalReport | undefined>)[REPORT];
    if (typeof report === 'function') {
      report(current as Error);
      return;
    }
    current = (current as { cause?: unknown }).cause;
  }
  // Alone, this listener would silence Node's default (end the process): keep it.
  if (process.listenerCount('unhandledRejection') === 1) throw reason;
}

function defaultReport(error: Error): void {
  console.error(`backendts: ${error.message} (the refusal was not handled)`);
}
