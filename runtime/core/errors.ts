/**
 * Framework errors: every one has a stable `code`, names the thing at fault
 * and says what to do. The CLI prints `message` (and `hint`) on one line each;
 * `--debug` adds the stack.
 */
import { redactParameters } from './redact.js';

/** Options shared by every backendts error. */
export interface BackendtsErrorOptions {
  /** What the user can do about it, printed after the message. */
  hint?: string;
  /** The underlying error, kept for `--debug`. */
  cause?: unknown;
}

/** Base class of every error that backendts raises on purpose. */
export class BackendtsError extends Error {
  /** Stable machine-readable code, e.g. `BT_CONFIG_PARSE`. */
  readonly code: string;
  /** What to do about it. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: BackendtsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BackendtsError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** True for errors raised by backendts (works across copies of the package). */
export function isBackendtsError(error: unknown): error is BackendtsError {
  return (
    error instanceof BackendtsError ||
    (error instanceof Error && typeof (error as { code?: unknown }).code === 'string' &&
      (error as unknown as { code: string }).code.startsWith('BT_'))
  );
}

/** Formats an error for a terminal: message, hint, and the stack when asked; never SQL parameter values. */
export function formatError(thrown: unknown, debug = false): string {
  const error = redactParameters(thrown);
  if (isBackendtsError(error)) {
    const lines = [`error ${error.code}: ${error.message}`];
    if (error.hint) lines.push(`hint: ${error.hint}`);
    if (debug && error.stack) lines.push(error.stack);
    if (debug && error.cause instanceof Error && error.cause.stack) lines.push(`caused by: ${error.cause.stack}`);
    return lines.join('\n');
  }
  if (error instanceof Error) {
    return debug && error.stack ? error.stack : `error: ${error.message}\nhint: run again with --debug to see the stack`;
  }
  return `error: ${String(error)}`;
}
