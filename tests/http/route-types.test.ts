import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Request } from '../../runtime/core/request.js';
import { Success, TextResponse } from '../../runtime/core/responses.js';
import { Router } from '../../runtime/core/router.js';
import { Route, Routes, type Handler } from '../../runtime/core/routes.js';
import type { StandardSchemaV1 } from '../../runtime/core/standard-schema.js';

/** A validator whose output is `{ id: number }`, written by hand. */
const idSchema: StandardSchemaV1<unknown, { id: number }> = {
  '~standard': {
    version: 1,
    vendor: 'handwritten',
    validate: (value) => ({ value: { id: Number((value as { id?: unknown }).id) } }),
  },
};

// These assertions are checked by the TypeScript compiler (`npm run typecheck`);
// the tests below make sure the routes they describe are real ones.
describe('handler types', () => {
  it('types request.cleanedData from the route’s data handler', () => {
    const routes = new Routes()
      .get(
        '/users/<id:int>',
        (request) => {
          expectTypeOf(request.cleanedData).toEqualTypeOf<{ id: number }>();
          return new Success(request.cleanedData.id);
        },
        { dataHandler: idSchema },
      )
      .route('/x', ['PUT'], (request) => new Success(request.cleanedData.id), { dataHandler: idSchema, name: 'x' })
      .post('/plain', (request) => {
        expectTypeOf(request.cleanedData).toEqualTypeOf<unknown>();
        expectTypeOf(request).toMatchTypeOf<Request>();
        return new TextResponse('ok');
      });
    expect(routes.list()).toHaveLength(3);
  });

  it('types Route objects the same way, and they fit in a list of routes', () => {
    const typed = new Route('/users/<id:int>', 'GET', (request) => new Success(request.cleanedData.id), { dataHandler: idSchema });
    const list: Route[] = [typed, new Route('/y', 'GET', () => new TextResponse('y'))];
    expect(new Router([new Routes().add(...list)]).routes).toHaveLength(2);
  });

  it('accepts a handler written for the plain Request type', () => {
    const plain: (request: Request) => TextResponse = () => new TextResponse('plain');
    const handler: Handler<{ id: number }> = plain;
    expect(new Routes().get('/p', handler).list()[0]!.handler).toBe(plain);
  });

  it('refuses a handler that does not return an HttpResponse (compile-time)', () => {
    // @ts-expect-error a handler must return an HttpResponse
    const route = new Route('/bad', 'GET', () => 'not a response');
    expect(route.methods).toEqual(['GET']);
  });
});
