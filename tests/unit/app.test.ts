import { describe, expect, it } from 'vitest';
import { App, isApp } from '../../runtime/core/app.js';

describe('App', () => {
  it('keeps its model paths in order', () => {
    expect(new App({ models: ['./db/models', './db/more'] }).models).toEqual(['./db/models', './db/more']);
  });

  it('refuses models written as one string instead of a list', () => {
    // @ts-expect-error a plain-JavaScript mistake the types already reject
    expect(() => new App({ models: './db/models' })).toThrow(/models must be a list of module paths/);
  });

  it('is recognised by its brand, not its class', () => {
    expect(isApp(new App())).toBe(true);
    expect(isApp({ models: [] })).toBe(false);
  });
});
