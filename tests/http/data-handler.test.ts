import { describe, expect, expectTypeOf, it } from 'vitest';
import { collectInput, describeIssues, isStandardSchema, issuePath, validateData } from '../../runtime/core/data-handler.js';
import { ExceptionResponse } from '../../runtime/core/error-list.js';
import { ErrorRegistry } from '../../runtime/core/error-registry.js';
import type { StandardSchemaV1 } from '../../runtime/core/standard-schema.js';

/** A hand-written Standard Schema validator: `{ email: string with @, age?: int >= 0, tags?: string[] }`. */
interface SignUp {
  email: string;
  age: number | undefined;
  tags: string[];
}

function signUpSchema(options: { async?: boolean } = {}): StandardSchemaV1<unknown, SignUp> {
  const validate = (value: unknown): StandardSchemaV1.Result<SignUp> => {
    if (typeof value !== 'object' || value === null) return { issues: [{ message: 'Expected an object.' }] };
    const input = value as Record<string, unknown>;
    const issues: StandardSchemaV1.Issue[] = [];
    if (typeof input.email !== 'string') issues.push({ message: 'Required.', path: ['email'] });
    else if (!input.email.includes('@')) issues.push({ message: 'Not an email address.', path: ['email'] });
    const age = input.age === undefined ? undefined : Number(input.age);
    if (age !== undefined && (!Number.isInteger(age) || age < 0)) {
      issues.push({ message: 'Must be a whole number.', path: [{ key: 'age' }] }, { message: 'Must be 0 or more.', path: ['age'] });
    }
    const tags = input.tags === undefined ? [] : input.tags;
    if (!Array.isArray(tags)) issues.push({ message: 'Expected a list.', path: ['tags'] });
    else tags.forEach((tag, i) => typeof tag !== 'string' && issues.push({ message: 'Expected text.', path: ['tags', { key: i }] }));
    if (issues.length > 0) return { issues };
    return { value: { email: (input.email as string).toLowerCase(), age, tags: tags as string[] } };
  };
  return {
    '~standard': {
      version: 1,
      vendor: 'handwritten',
      validate: options.async ? async (value) => validate(value) : validate,
      types: undefined as unknown as StandardSchemaV1.Types<unknown, SignUp>,
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ExceptionResponse> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExceptionResponse);
  return error as ExceptionResponse;
}

describe('validateData', () => {
  it("returns the validator's output, typed from the schema", async () => {
    const data = await validateData(signUpSchema(), { email: 'ADA@EXAMPLE.COM', age: '36' });
    expect(data).toEqual({ email: 'ada@example.com', age: 36, tags: [] });
    expectTypeOf(data).toEqualTypeOf<SignUp>();
  });

  it('works with validators that answer asynchronously', async () => {
    expect(await validateData(signUpSchema({ async: true }), { email: 'a@b' })).toEqual({ email: 'a@b', age: undefined, tags: [] });
    const error = await rejection(validateData(signUpSchema({ async: true }), { email: 'nope' }));
    expect(error.data).toEqual({ fieldErrors: { email: ['Not an email address.'] }, formErrors: [] });
  });

  it('throws invalid_data listing every field’s messages by path', async () => {
    const error = await rejection(validateData(signUpSchema(), { age: -1.5, tags: ['ok', 3] }));
    expect(error.code).toBe('invalid_data');
    expect(error.data).toEqual({
      fieldErrors: {
        email: ['Required.'],
        age: ['Must be a whole number.', 'Must be 0 or more.'],
        'tags.1': ['Expected text.'],
      },
      formErrors: [],
    });
  });

  it('puts issues about the whole input under formErrors', async () => {
    const error = await rejection(validateData(signUpSchema(), 'not an object'));
    expect(error.data).toEqual({ fieldErrors: {}, formErrors: ['Expected an object.'] });
  });

  it('renders as a 400 JSON error with the field errors', async () => {
    const error = await rejection(validateData(signUpSchema(), { email: 'x' }));
    const response = new ErrorRegistry().render(error);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body as string)).toEqual({
      status: 'error',
      code: 'invalid_data',
      message: 'The data sent is not valid.',
      data: { fieldErrors: { email: ['Not an email address.'] }, formErrors: [] },
    });
  });

  it('lets an error thrown by the validator itself through (a bug, not bad input)', async () => {
    const broken: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'broken',
        validate: () => {
          throw new TypeError('validator bug');
        },
      },
    };
    await expect(validateData(broken, {})).rejects.toThrow(TypeError);
  });
});

describe('issue paths', () => {
  it('joins keys and path segments with dots', () => {
    expect(issuePath({ message: 'x', path: ['items', 0, { key: 'name' }] })).toBe('items.0.name');
    expect(issuePath({ message: 'x', path: [Symbol('meta')] })).toBe('meta');
    expect(issuePath({ message: 'x' })).toBe('');
    expect(issuePath({ message: 'x', path: [] })).toBe('');
  });

  it('groups messages per path, keeping their order', () => {
    expect(
      describeIssues([
        { message: 'a', path: ['x'] },
        { message: 'b' },
        { message: 'c', path: ['x'] },
      ]),
    ).toEqual({ fieldErrors: { x: ['a', 'c'] }, formErrors: ['b'] });
  });
});

describe('collectInput', () => {
  it('merges query, then object body fields, then URL variables', () => {
    expect(
      collectInput({
        query: { page: '2', id: 'from-query' },
        body: { title: 'Hi', id: 'from-body' },
        urlVars: { id: 7 },
      }),
    ).toEqual({ page: '2', title: 'Hi', id: 7 });
  });

  it('puts a body that is not an object under `body`', () => {
    expect(collectInput({ body: [1, 2] })).toEqual({ body: [1, 2] });
    expect(collectInput({ body: 'text', urlVars: { id: 1 } })).toEqual({ body: 'text', id: 1 });
    expect(collectInput({ body: Buffer.from('x') }).body).toBeInstanceOf(Buffer);
    expect(collectInput({})).toEqual({});
  });

  it('keeps a __proto__ key of a JSON body as a plain key', () => {
    const input = collectInput({ body: JSON.parse('{"__proto__":{"admin":true},"name":"x"}') });
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect((input as { admin?: unknown }).admin).toBeUndefined();
    expect(Object.keys(input)).toEqual(['__proto__', 'name']);
  });
});

describe('isStandardSchema', () => {
  it('accepts Standard Schema V1 objects (and functions, as arktype makes them) and nothing else', () => {
    expect(isStandardSchema(signUpSchema())).toBe(true);
    const fn = Object.assign(() => undefined, { '~standard': { version: 1, vendor: 'f', validate: () => ({ value: 1 }) } });
    expect(isStandardSchema(fn)).toBe(true);
    expect(isStandardSchema({ '~standard': { version: 2, vendor: 'v', validate: () => ({ value: 1 }) } })).toBe(false);
    expect(isStandardSchema({ parse: () => 1 })).toBe(false);
    expect(isStandardSchema(null)).toBe(false);
  });
});
