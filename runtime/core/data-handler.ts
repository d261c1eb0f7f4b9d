/**
 * Data handlers: a route's Standard Schema validator checks what the client
 * sent, and its output becomes `request.cleanedData`. Invalid input is an
 * `invalid_data` (400) error listing each field's messages by path.
 */
import { ExceptionResponse } from './error-list.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** The `data` of an `invalid_data` error. */
export interface InvalidDataDetails {
  /** Messages by field path (`email`, `items.0.name`). */
  fieldErrors: Record<string, string[]>;
  /** Messages about the input as a whole (issues with no path). */
  formErrors: string[];
}

/** What a data handler validates, as {@link collectInput} gathers it. */
export interface DataSources {
  /** The parsed query string. */
  query?: Record<string, unknown> | undefined;
  /** The parsed body. */
  body?: unknown;
  /** The URL variables. */
  urlVars?: Record<string, unknown> | undefined;
}

/** True when `value` is a Standard Schema V1 validator. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as Partial<StandardSchemaV1>)['~standard'];
  return typeof props === 'object' && props !== null && props.version === 1 && typeof props.validate === 'function';
}

/**
 * The one object a data handler validates: the query parameters, then the
 * fields of a JSON or form body, then the URL variables (later ones win, so
 * a body cannot override a URL variable). A body that is not an object (a
 * JSON array, text, bytes) is put under the key `body`.
 */
export function collectInput(sources: DataSources): Record<string, unknown> {
  const body = sources.body;
  // Spread (not Object.assign) so a `__proto__` key in a JSON body stays a plain key.
  return {
    ...sources.query,
    ...(isPlainObject(body) ? body : body === undefined ? undefined : { body }),
    ...sources.urlVars,
  };
}

/**
 * Validates `input` with a Standard Schema validator and returns its output;
 * throws `ExceptionResponse('invalid_data')` (400) whose `data` is
 * {@link InvalidDataDetails} when the input is not valid.
 */
export async function validateData<Schema extends StandardSchemaV1>(
  schema: Schema,
  input: unknown,
): Promise<StandardSchemaV1.InferOutput<Schema>> {
  let result = schema['~standard'].validate(input);
  if (result instanceof Promise) result = await result;
  if (result.issues === undefined) return result.value as StandardSchemaV1.InferOutput<Schema>;
  throw new ExceptionResponse('invalid_data', { data: describeIssues(result.issues) });
}

/** Groups validation issues by field path. */
export function describeIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): InvalidDataDetails {
  const fieldErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  for (const issue of issues) {
    const key = issuePath(issue);
    if (key === '') formErrors.push(issue.message);
    else (fieldErrors[key] ??= []).push(issue.message);
  }
  return { fieldErrors, formErrors };
}

/** An issue's path written with dots (`items.0.name`); empty for the input as a whole. */
export function issuePath(issue: StandardSchemaV1.Issue): string {
  if (issue.path === undefined || issue.path.length === 0) return '';
  return issue.path
    .map((segment) => {
      const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
      return typeof key === 'symbol' ? (key.description ?? '') : String(key);
    })
    .join('.');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
