/** Test helper: one call of a `Logger` method (pino's shape) read back as its message, the error it carried and its fields. */
import type { LogFields, LogFn } from '../../runtime/index.js';

/** What a logger was called with. */
export interface LogCall {
  message: string;
  /** `fields.err`, when there was one. */
  error?: unknown;
  fields: LogFields;
}

/** A `LogFn` that hands each call, read back, to `keep`. */
export function logInto(keep: (call: LogCall) => void): LogFn {
  return (fields: LogFields | string, message?: string) => {
    if (typeof fields === 'string') return keep({ message: fields, fields: {} });
    keep({ message: message ?? '', fields, ...(fields.err !== undefined && { error: fields.err }) });
  };
}
