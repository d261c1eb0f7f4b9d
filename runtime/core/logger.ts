/**
 * Where the runtime writes: failed hooks, a 500's stack, progress, and the
 * access log. The shape is pino's (`logger.info({ status: 200 }, 'request')`),
 * so a pino logger, or any logger with its calling convention, is passed as
 * it is; the default writes to the console.
 */
import { redactParameters } from './redact.js';

/** The fields of one log line; a thrown value is under `err` (pino's convention). */
export type LogFields = Record<string, unknown>;

/** One level of a {@link Logger}: called with fields and a message, or with a message alone. */
export interface LogFn {
  (fields: LogFields, message?: string): void;
  (message: string): void;
}

/** Where the runtime logs; a pino logger fits as it is. */
export interface Logger {
  /** Something failed; the thrown value is in `fields.err`. */
  error: LogFn;
  /** Something worth knowing that did not fail a request. */
  warn: LogFn;
  /** Progress (listening, shutting down) and the access log. */
  info: LogFn;
}

function toConsole(write: (...values: unknown[]) => void): LogFn {
  return (fields: LogFields | string, message?: string) => {
    if (typeof fields === 'string') return write(fields);
    const keys = Object.keys(fields);
    // An error alone prints as the console prints errors: with its stack.
    if (keys.length === 1 && keys[0] === 'err') return write(message ?? '', fields.err);
    if (keys.length === 0) return write(message ?? '');
    write(message ?? '', fields);
  };
}

/** The default logger: the console. */
export const consoleLogger: Logger = {
  error: toConsole((...values) => console.error(...values)),
  warn: toConsole((...values) => console.warn(...values)),
  info: toConsole((...values) => console.info(...values)),
};

/** A logger that gets errors without their SQL parameter values (`[database] log_parameters = false`). */
export function redactingLogger(logger: Logger): Logger {
  return {
    error: (fields: LogFields | string, message?: string) => {
      if (typeof fields === 'string') return logger.error(fields);
      if (fields.err === undefined) return logger.error(fields, message);
      logger.error({ ...fields, err: redactParameters(fields.err) }, message);
    },
    warn: logger.warn.bind(logger) as LogFn,
    info: logger.info.bind(logger) as LogFn,
  };
}
