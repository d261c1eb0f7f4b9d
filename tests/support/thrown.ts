/** Test helper: the BackendtsError that `fn` throws; fails the test when it throws nothing or something else. */
import { expect } from 'vitest';
import { BackendtsError } from '../../runtime/core/errors.js';

export function thrown(fn: () => unknown): BackendtsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BackendtsError);
    return error as BackendtsError;
  }
  throw new Error('expected an error');
}
