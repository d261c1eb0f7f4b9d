/**
 * Error codes and error responses. A handler throws `ExceptionResponse(code)`;
 * the project's `ErrorRegistry` (error-registry.ts: the predefined codes plus
 * every app's `ErrorList`) turns it into JSON `{ status: 'error', code,
 * message, data? }` with the code's HTTP status.
 */
import { BackendtsError } from './errors.js';
import type { HeaderValue } from './responses.js';

/** One error code: its name, default message and HTTP status. */
export class ErrorCode {
  constructor(
    /** The code sent to clients, e.g. `not_found`. */
    readonly code: string,
    /** The default message sent with it. */
    readonly message: string,
    /** The HTTP status of responses with this code. */
    readonly status: number,
  ) {
    if (!/^[A-Za-z0-9_.:-]+$/.test(code)) {
      throw new BackendtsError('BT_ERROR_CODE', `Error code "${code}" is not valid`, {
        hint: 'use letters, digits and _ . : - (e.g. "user_not_found")',
      });
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new BackendtsError('BT_ERROR_CODE', `Error code "${code}" has status ${status}, which is not an error status`, {
        hint: 'use a 4xx or 5xx status',
      });
    }
  }
}

/** A set of error codes, as an app declares them: `new ErrorList(new ErrorCode(…), …)`. */
export class ErrorList {
  /** The codes, by name. */
  readonly codes: ReadonlyMap<string, ErrorCode>;

  constructor(...codes: ErrorCode[]) {
    const map = new Map<string, ErrorCode>();
    for (const code of codes) {
      if (map.has(code.code)) {
        throw new BackendtsError('BT_DUPLICATE_ERROR_CODE', `Error code "${code.code}" is listed twice in one ErrorList`, {
          hint: 'give each error code a distinct name',
        });
      }
      map.set(code.code, code);
    }
    this.codes = map;
  }

  /** The code named `code`, if listed. */
  get(code: string): ErrorCode | undefined {
    return this.codes.get(code);
  }

  /** All codes, in the order given. */
  list(): ErrorCode[] {
    return [...this.codes.values()];
  }
}

/** The codes every project has. */
export const predefinedErrors = new ErrorList(
  new ErrorCode('server_error', 'Internal server error.', 500),
  new ErrorCode('unexpected_error', 'An unexpected error occurred.', 500),
  new ErrorCode('not_found', 'Not found.', 404),
  new ErrorCode('method_not_allowed', 'Method not allowed.', 405),
  new ErrorCode('disallowed_host', 'The host is not allowed.', 400),
  new ErrorCode('invalid_data', 'The data sent is not valid.', 400),
  new ErrorCode('bad_request', 'Bad request.', 400),
  new ErrorCode('conflict', 'The request conflicts with data already stored.', 409),
  new ErrorCode('constraint_violation', 'The data breaks a rule of the database.', 400),
  new ErrorCode('unsupported_media_type', 'Unsupported media type.', 415),
  new ErrorCode('request_too_large', 'The request body is too large.', 413),
  new ErrorCode('service_unavailable', 'The service is unavailable.', 503),
  new ErrorCode(
    'commit_outcome_unknown',
    "The connection to the database was lost while the request's changes were being committed: they may or may not have been saved. Check before retrying.",
    500,
  ),
  new ErrorCode('client_closed_request', 'The client closed the connection before the response was ready.', 499),
);

/** Names of the predefined error codes. */
export type PredefinedErrorCode =
  | 'server_error'
  | 'unexpected_error'
  | 'not_found'
  | 'method_not_allowed'
  | 'disallowed_host'
  | 'invalid_data'
  | 'bad_request'
  | 'conflict'
  | 'constraint_violation'
  | 'unsupported_media_type'
  | 'request_too_large'
  | 'service_unavailable'
  | 'commit_outcome_unknown'
  | 'client_closed_request';

/** Options of {@link ExceptionResponse}. */
export interface ExceptionResponseOptions {
  /** Replaces the code's default message. */
  message?: string;
  /** Details sent to the client under `data` (e.g. field errors). */
  data?: unknown;
  /** Headers sent with the error response (e.g. `retry-after`). */
  headers?: Record<string, HeaderValue>;
  /** The underlying error, kept for logs; never sent to the client. */
  cause?: unknown;
}

/**
 * An error response, thrown by a handler (or a middleware or hook):
 * `throw new ExceptionResponse('not_found')`. The code is a predefined one,
 * one of an app's `ErrorList`, or an `ErrorCode` object.
 */
export class ExceptionResponse extends Error {
  /** The error code's name. */
  readonly code: string;
  /** The `ErrorCode` object, when one was given instead of a name. */
  readonly errorCode: ErrorCode | undefined;
  /** The message given, replacing the code's default one. */
  readonly customMessage: string | undefined;
  /** Details sent under `data`. */
  readonly data: unknown;
  /** Headers sent with the response. */
  readonly headers: Record<string, HeaderValue> | undefined;

  constructor(code: PredefinedErrorCode | (string & {}) | ErrorCode, options: ExceptionResponseOptions = {}) {
    const name = typeof code === 'string' ? code : code.code;
    super(options.message ?? (typeof code === 'string' ? name : code.message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExceptionResponse';
    this.code = name;
    this.errorCode = typeof code === 'string' ? undefined : code;
    this.customMessage = options.message;
    this.data = options.data;
    this.headers = options.headers;
  }
}

/** True for an `ExceptionResponse` (also one from another copy of backendts). */
export function isExceptionResponse(error: unknown): error is ExceptionResponse {
  return error instanceof ExceptionResponse || (error instanceof Error && error.name === 'ExceptionResponse' && typeof (error as { code?: unknown }).code === 'string');
}
