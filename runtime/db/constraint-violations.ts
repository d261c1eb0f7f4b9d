/**
 * A database constraint refusing a write is the client's doing, not a
 * server fault: a value already taken or a missing referenced row is a
 * conflict (409), a missing or out-of-range value is bad data (400). The
 * answer names the constraint (and table and column when PostgreSQL gives
 * them), never the values: PostgreSQL's `detail` repeats them, so it is
 * left out.
 */
import { ExceptionResponse } from '../core/error-list.js';

/** The kinds of constraint violation, by PostgreSQL's SQLSTATE (class 23). */
const KINDS = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23P01': 'exclusion',
  '23502': 'not_null',
  '23514': 'check',
} as const;

/** A kind of constraint whose violation is answered for the client. */
export type ConstraintKind = (typeof KINDS)[keyof typeof KINDS];

/** The `data` of a `conflict` or `constraint_violation` error: what refused the write, never the values. */
export interface ConstraintViolationDetails {
  /** Which kind of constraint refused the write. */
  kind: ConstraintKind;
  /** The constraint's name (`users_username_unique`); a not-null violation has none. */
  constraint?: string;
  /** The table the write went to. */
  table?: string;
  /** The column, for a not-null violation. */
  column?: string;
}

/** What each kind answers with: the error code and the message sent to clients. */
const ANSWERS: Record<ConstraintKind, { code: 'conflict' | 'constraint_violation'; message: string }> = {
  unique: { code: 'conflict', message: 'A row with the same unique value already exists.' },
  exclusion: { code: 'conflict', message: 'The row conflicts with a row that already exists.' },
  foreign_key: { code: 'conflict', message: 'The row refers to a row that does not exist, or is still referred to by other rows.' },
  not_null: { code: 'constraint_violation', message: 'A required value is missing.' },
  check: { code: 'constraint_violation', message: 'A value is outside what the database allows.' },
};

/**
 * What refused the write, when `error` is a constraint violation from
 * PostgreSQL or PGlite, or an error caused by one (Drizzle's "Failed query"
 * error carries the driver's as its `cause`).
 */
export function constraintViolationOf(error: unknown): ConstraintViolationDetails | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const details = detailsOf(current as Record<string, unknown>);
    if (details !== undefined) return details;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** postgres.js names the fields `constraint_name`, `table_name` and `column_name`; PGlite `constraint`, `table` and `column`. */
function detailsOf(fields: Record<string, unknown>): ConstraintViolationDetails | undefined {
  const kind = typeof fields.code === 'string' ? KINDS[fields.code as keyof typeof KINDS] : undefined;
  if (kind === undefined) return undefined;
  const details: ConstraintViolationDetails = { kind };
  const constraint = text(fields.constraint_name ?? fields.constraint);
  const table = text(fields.table_name ?? fields.table);
  const column = text(fields.column_name ?? fields.column);
  if (constraint !== undefined) details.constraint = constraint;
  if (table !== undefined) details.table = table;
  if (column !== undefined) details.column = column;
  return details;
}

/** The `conflict` (409) or `constraint_violation` (400) error response for a constraint violation; undefined for any other error. */
export function asConstraintViolation(error: unknown): ExceptionResponse | undefined {
  const details = constraintViolationOf(error);
  if (details === undefined) return undefined;
  const answer = ANSWERS[details.kind];
  return new ExceptionResponse(answer.code, { message: answer.message, data: details, cause: error });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
