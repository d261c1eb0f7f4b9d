import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  ErrorList,
  ExceptionResponse,
  isExceptionResponse,
  predefinedErrors,
} from '../../runtime/core/error-list.js';
import { ErrorRegistry } from '../../runtime/core/error-registry.js';
import { thrown } from '../support/thrown.js';

function rendered(registry: ErrorRegistry, error: unknown) {
  const response = registry.render(error);
  return { status: response.status, headers: response.headers, body: JSON.parse(response.body as string) };
}

describe('predefined error codes', () => {
  it.each([
    ['server_error', 500],
    ['unexpected_error', 500],
    ['not_found', 404],
    ['method_not_allowed', 405],
    ['disallowed_host', 400],
    ['invalid_data', 400],
    ['bad_request', 400],
    ['conflict', 409],
    ['constraint_violation', 400],
    ['unsupported_media_type', 415],
    ['request_too_large', 413],
    ['service_unavailable', 503],
    ['commit_outcome_unknown', 500],
    ['client_closed_request', 499],
  ])('renders %s with status %i', (code, status) => {
    const { status: sent, headers, body } = rendered(new ErrorRegistry(), new ExceptionResponse(code));
    expect(sent).toBe(status);
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(body).toEqual({ status: 'error', code, message: predefinedErrors.get(code)!.message });
  });

  it('has exactly the fourteen codes of the contract', () => {
    expect(predefinedErrors.list()).toHaveLength(14);
  });
});

describe('ExceptionResponse', () => {
  it('renders a custom message, data and headers', () => {
    const error = new ExceptionResponse('method_not_allowed', {
      message: 'Use POST.',
      data: { allowed: ['POST'] },
      headers: { Allow: 'POST' },
    });
    const { status, headers, body } = rendered(new ErrorRegistry(), error);
    expect(status).toBe(405);
    expect(headers.allow).toBe('POST');
    expect(body).toEqual({ status: 'error', code: 'method_not_allowed', message: 'Use POST.', data: { allowed: ['POST'] } });
  });

  it('is an Error with the code and message, keeping the cause for logs only', () => {
    const cause = new Error('db password is hunter2');
    const error = new ExceptionResponse('bad_request', { message: 'Nope.', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('Nope.');
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(rendered(new ErrorRegistry(), error).body)).not.toContain('hunter2');
  });

  it('takes an ErrorCode object, rendered even when no app lists it', () => {
    const teapot = new ErrorCode('teapot', 'I am a teapot.', 418);
    expect(rendered(new ErrorRegistry(), new ExceptionResponse(teapot))).toMatchObject({
      status: 418,
      body: { status: 'error', code: 'teapot', message: 'I am a teapot.' },
    });
  });

  it('is recognised by isExceptionResponse, also when made by another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ExceptionResponse', code: 'not_found' });
    expect(isExceptionResponse(new ExceptionResponse('not_found'))).toBe(true);
    expect(isExceptionResponse(foreign)).toBe(true);
    expect(isExceptionResponse(new Error('x'))).toBe(false);
    expect(rendered(new ErrorRegistry(), foreign).status).toBe(404);
  });
});

describe('unknown exceptions', () => {
  it('become server_error 500 with nothing of the error sent', () => {
    const secret = new Error('connection to postgres://admin:secret@db failed');
    const { status, body } = rendered(new ErrorRegistry(), secret);
    expect(status).toBe(500);
    expect(body).toEqual({ status: 'error', code: 'server_error', message: 'Internal server error.' });
    expect(rendered(new ErrorRegistry(), 'a string').status).toBe(500);
    expect(rendered(new ErrorRegistry(), undefined).status).toBe(500);
  });

  it('include an ExceptionResponse whose code no app declares', () => {
    expect(rendered(new ErrorRegistry(), new ExceptionResponse('never_declared', { data: { x: 1 } }))).toEqual({
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { status: 'error', code: 'server_error', message: 'Internal server error.' },
    });
  });
});

describe('ErrorCode and ErrorList', () => {
  it('refuses codes that are not names and statuses that are not errors', () => {
    expect(thrown(() => new ErrorCode('has space', 'x', 400)).code).toBe('BT_ERROR_CODE');
    expect(thrown(() => new ErrorCode('ok', 'x', 200)).message).toContain('"ok"');
    expect(thrown(() => new ErrorCode('ok', 'x', 400.5)).code).toBe('BT_ERROR_CODE');
  });

  it('refuses a code listed twice in one list', () => {
    const error = thrown(() => new ErrorList(new ErrorCode('a', 'x', 400), new ErrorCode('a', 'y', 404)));
    expect(error.code).toBe('BT_DUPLICATE_ERROR_CODE');
  });

  it('looks codes up by name and lists them in order', () => {
    const list = new ErrorList(new ErrorCode('b', 'B.', 409), new ErrorCode('a', 'A.', 400));
    expect(list.get('b')?.status).toBe(409);
    expect(list.list().map((c) => c.code)).toEqual(['b', 'a']);
  });
});

describe('ErrorRegistry', () => {
  const accounts = new ErrorList(new ErrorCode('user_not_found', 'User not found.', 404), new ErrorCode('weak_password', 'Password too weak.', 400));
  const blog = new ErrorList(new ErrorCode('post_locked', 'The post is locked.', 423));

  it('merges the apps’ codes with the predefined ones', () => {
    const registry = new ErrorRegistry([
      { app: 'accounts', errors: [accounts] },
      { app: 'blog', errors: [blog] },
    ]);
    expect(rendered(registry, new ExceptionResponse('post_locked')).status).toBe(423);
    expect(rendered(registry, new ExceptionResponse('user_not_found', { message: 'No user 7.' })).body).toEqual({
      status: 'error',
      code: 'user_not_found',
      message: 'No user 7.',
    });
    expect(registry.get('not_found')?.status).toBe(404);
  });

  it('refuses a code defined by two apps, naming both', () => {
    const error = thrown(
      () =>
        new ErrorRegistry([
          { app: 'accounts', errors: [accounts] },
          { app: 'shop', errors: [new ErrorList(new ErrorCode('user_not_found', 'Other.', 404))] },
        ]),
    );
    expect(error.code).toBe('BT_DUPLICATE_ERROR_CODE');
    expect(error.message).toBe('Error code "user_not_found" is defined by both app "accounts" and app "shop"');
  });

  it('refuses an app redefining a predefined code', () => {
    const error = thrown(() => new ErrorRegistry([{ app: 'shop', errors: [new ErrorList(new ErrorCode('not_found', 'Gone.', 410))] }]));
    expect(error.message).toContain('app "shop"');
    expect(error.message).toContain('predefined');
  });

  it('refuses a code listed in two lists of the same app', () => {
    const again = new ErrorList(new ErrorCode('post_locked', 'Again.', 423));
    const error = thrown(() => new ErrorRegistry([{ app: 'blog', errors: [blog, again] }]));
    expect(error.message).toContain('defined twice in app "blog"');
  });
});
