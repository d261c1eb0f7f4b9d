/**
 * The project's error codes, gathered once at start-up: the predefined ones
 * plus every app's `ErrorList`. It renders whatever a request threw as the
 * JSON error response; anything that is not a known `ExceptionResponse`
 * becomes `server_error`.
 */
import { BackendtsError } from './errors.js';
import { isExceptionResponse, predefinedErrors, type ErrorCode, type ErrorList, type ExceptionResponse } from './error-list.js';
import { JsonResponse } from './responses.js';

/** The error codes of one app, named for error messages. */
export interface AppErrors {
  /** The app's name. */
  app: string;
  /** Its error lists. */
  errors: Iterable<ErrorList>;
}

/**
 * All error codes of a project: the predefined ones plus every app's. Built
 * once at start-up; a code defined by two apps (or redefining a predefined
 * one) is an error naming both.
 */
export class ErrorRegistry {
  private readonly codes = new Map<string, { code: ErrorCode; owner: string }>();

  constructor(apps: Iterable<AppErrors> = []) {
    this.add('backendts (predefined)', [predefinedErrors]);
    for (const { app, errors } of apps) this.add(`app "${app}"`, errors);
  }

  /** The code named `code`, if known. */
  get(code: string): ErrorCode | undefined {
    return this.codes.get(code)?.code;
  }

  /**
   * The JSON error response for anything thrown: an `ExceptionResponse`
   * with its code's status and message, or `server_error` (500) for anything
   * else, sending nothing of the error's internals.
   */
  render(error: unknown): JsonResponse {
    const known = isExceptionResponse(error) ? error.errorCode ?? this.get(error.code) : undefined;
    // Anything else, including a code nobody declared (a bug in the app), is a server error.
    if (known === undefined) {
      const code = this.get('server_error')!;
      return new JsonResponse({ status: 'error', code: code.code, message: code.message }, { status: code.status });
    }
    const exception = error as ExceptionResponse;
    const payload: Record<string, unknown> = {
      status: 'error',
      code: known.code,
      message: exception.customMessage ?? known.message,
    };
    if (exception.data !== undefined) payload.data = exception.data;
    return new JsonResponse(payload, { status: known.status, ...(exception.headers && { headers: exception.headers }) });
  }

  private add(owner: string, lists: Iterable<ErrorList>): void {
    for (const list of lists) {
      for (const code of list.codes.values()) {
        const existing = this.codes.get(code.code);
        if (existing !== undefined && existing.owner !== owner) {
          throw new BackendtsError('BT_DUPLICATE_ERROR_CODE', `Error code "${code.code}" is defined by both ${existing.owner} and ${owner}`, {
            hint: 'rename one of the codes (prefixing a code with its app name avoids clashes)',
          });
        }
        if (existing !== undefined) {
          throw new BackendtsError('BT_DUPLICATE_ERROR_CODE', `Error code "${code.code}" is defined twice in ${owner}`, {
            hint: 'give each error code a distinct name',
          });
        }
        this.codes.set(code.code, { code, owner });
      }
    }
  }
}
