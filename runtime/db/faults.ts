/**
 * Tells a lost or unreachable database apart from an ordinary query error, so
 * that requests hit by an outage get a 503 (try again later) rather than a
 * 500, and startup can say which server it could not reach.
 */
import { BackendtsError } from '../core/errors.js';
import { ExceptionResponse, isExceptionResponse } from '../core/error-list.js';
import { describeTarget, type DatabaseSettings, type DatabaseTarget } from './settings.js';
import { asConstraintViolation } from './constraint-violations.js';

/** Node socket errors that mean the server cannot be reached right now. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

/** postgres.js's own codes for a connection that closed or never opened. */
const DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

/** Server SQLSTATEs for a shutting-down, starting or overloaded server. */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Codes the framework raises when a request could not get a connection in time, or the server could not be reached. */
const FRAMEWORK_CODES = new Set(['BT_DB_POOL_TIMEOUT', 'BT_DB_CONNECTION_LOST', 'BT_DB_UNREACHABLE']);

/** True when `error` means the database is unreachable or went away (not a bad query). */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // SQLSTATE class 08 is "connection exception".
  return SOCKET_CODES.has(code) || DRIVER_CODES.has(code) || SERVER_CODES.has(code) ||
    FRAMEWORK_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}

/** Turns a connection failure into the `service_unavailable` (503) error response; other errors pass through. */
export function asServiceUnavailable(error: unknown): unknown {
  if (isExceptionResponse(error) || !isConnectionError(error)) return error;
  return new ExceptionResponse('service_unavailable', {
    message: 'The database is unavailable; try again shortly.',
    headers: { 'retry-after': '1' },
    cause: error,
  });
}

/** The reason in a driver error, for messages that must never show a password. */
export function reasonOf(error: unknown): string {
  if (error instanceof BackendtsError) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/**
 * True when the server says the database does not exist: SQLSTATE 3D000 from
 * PostgreSQL, or 08P01 with that message from PgBouncer, which answers for
 * the server when its connection to a missing database fails.
 */
export function isMissingDatabase(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '3D000' || (code === '08P01' && typeof message === 'string' && /^database ".*" does not exist$/.test(message));
}

/**
 * The error for a failed first connection to a PostgreSQL server, the same
 * for the server and `create_db`: `BT_DB_MISSING` when the database does not
 * exist, `BT_DB_AUTH` when the login was refused, `BT_DB_UNREACHABLE`
 * otherwise. Names host, port and database, never the password.
 */
export function connectFailure(error: unknown, target: Extract<DatabaseTarget, { driver: 'postgres' }>): BackendtsError {
  const code = (error as { code?: unknown } | null)?.code;
  const where = describeTarget(target);
  if (isMissingDatabase(error)) {
    return new BackendtsError('BT_DB_MISSING', `${where} does not exist`, {
      hint: `run "backendts create_db" to create "${target.name}" and its tables`,
      cause: error,
    });
  }
  const unsupported = /unsupported startup parameter: (\S+)/.exec(reasonOf(error));
  if (unsupported) {
    // PgBouncer accepts only a few startup parameters; statement_timeout is sent as one.
    return new BackendtsError('BT_DB_STARTUP_PARAMETER', `${where} refused the connection setting "${unsupported[1]}": ${reasonOf(error)}`, {
      hint: `a pooler such as PgBouncer sits in front of the server: remove [database] ${unsupported[1]} and set it on the role instead (ALTER ROLE ... SET ${unsupported[1]} = ...), or list it in PgBouncer's ignore_startup_parameters`,
      cause: error,
    });
  }
  if (code === '28P01' || code === '28000') {
    return new BackendtsError('BT_DB_AUTH', `cannot log in to ${where} as "${target.username ?? 'the default user'}": ${reasonOf(error)}`, {
      hint: 'check [database] username and password (or the url / DATABASE_URL)',
      cause: error,
    });
  }
  return new BackendtsError('BT_DB_UNREACHABLE', `cannot reach ${where}: ${reasonOf(error)}`, {
    hint: 'check that PostgreSQL is running and that [database] host and port (or url / DATABASE_URL) point to it',
    cause: error,
  });
}

/**
 * True when PostgreSQL (or PGlite, the same server) refused a value holding a
 * NUL byte, which its text types cannot store: 22021 for text, 22P05 for
 * `\u0000` in JSON. postgres.js sends such a value as it is.
 */
export function isNulByteError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, detail } = error as { code?: unknown; message?: unknown; detail?: unknown };
  return (code === '22021' && typeof message === 'string' && message.includes('0x00')) ||
    (code === '22P05' && typeof detail === 'string' && detail.includes('\\u0000'));
}

/**
 * The error response for a database error caused by the client's input: a
 * NUL byte PostgreSQL cannot store (`bad_request`, 400), or a constraint
 * violation (`conflict`, 409, or `constraint_violation`, 400). Undefined for
 * any other error, which stays a server error.
 */
export function asClientFault(error: unknown): ExceptionResponse | undefined {
  if (isNulByteError(error)) {
    return new ExceptionResponse('bad_request', {
      message: 'A text value contains a NUL byte (\\u0000), which PostgreSQL cannot store.',
      cause: error,
    });
  }
  return asConstraintViolation(error);
}

/**
 * The error for a prepared statement the server does not know, or knows
 * twice (SQLSTATE 26000, 42P05): what a transaction pooler without support
 * for them (PgBouncer before 1.21, or without max_prepared_statements) does
 * to postgres.js's prepared statements once two clients share a server
 * connection. Undefined for any other error, and when `[database] prepare`
 * is off already (the statement is then the application's own).
 */
export function preparedStatementFault(error: unknown, settings: Pick<DatabaseSettings, 'target' | 'prepare'>): BackendtsError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (!settings.prepare || (code !== '26000' && code !== '42P05') || typeof message !== 'string' || !message.startsWith('prepared statement')) return undefined;
  return new BackendtsError('BT_DB_PREPARED_STATEMENTS', `${describeTarget(settings.target)}: ${message}: statements prepared on one server connection ran on another, as behind a transaction pooler`, {
    hint: 'behind PgBouncer in pool_mode = transaction set [database] prepare = false (or, on PgBouncer 1.21+, set its max_prepared_statements)',
    cause: error,
  });
}
