/**
 * What users' editors infer for `request.urlVars`: a pattern's variables by
 * name, `<x:int>` as a number and every other converter as a string; a
 * record of strings for regex paths; and routes of different paths still fit
 * in one list.
 */
import { describe, expectTypeOf, test } from 'vitest';
import { Route, Routes, Success, TextResponse, type PathVars, type UrlVars } from 'backendts';

describe('request.urlVars types', () => {
  test('a pattern types each variable, <id:int> as a number', () => {
    new Routes()
      .get('/users/<id:int>', (request) => {
        expectTypeOf(request.urlVars.id).toEqualTypeOf<number>();
        return new Success(request.urlVars.id + 1);
      })
      .post('/tags/<tag>/posts/<n:int>', (request) => {
        expectTypeOf(request.urlVars.tag).toEqualTypeOf<string>();
        expectTypeOf(request.urlVars.n).toEqualTypeOf<number>();
        return new TextResponse(request.urlVars.tag.toUpperCase());
      })
      .route('/files/<rest:path>', ['GET', 'PUT'], (request) => {
        expectTypeOf(request.urlVars.rest).toEqualTypeOf<string>();
        return new TextResponse(request.urlVars.rest);
      });
  });

  test('PathVars reads variables inside segments and every converter', () => {
    expectTypeOf<PathVars<'/users/<slug>'>>().toEqualTypeOf<{ slug: string }>();
    expectTypeOf<PathVars<'/users/<name:str>'>>().toEqualTypeOf<{ name: string }>();
    expectTypeOf<PathVars<'/reports/<year:int>.csv'>>().toEqualTypeOf<{ year: number }>();
    expectTypeOf<PathVars<'/a/<x>/b/<y:int>/<z:path>'>>().toEqualTypeOf<{ x: string; y: number; z: string }>();
    expectTypeOf<PathVars<'/hello-world'>>().toEqualTypeOf<{}>();
  });

  test('a regex path gives a record of strings; a path known only at run time gives UrlVars', () => {
    expectTypeOf<PathVars<RegExp>>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<PathVars<'^/users/(?<identifier>.+)$'>>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<PathVars<string>>().toEqualTypeOf<UrlVars>();
    new Routes().get(/^\/users\/(?<identifier>.+)$/, (request) => {
      expectTypeOf(request.urlVars.identifier).toEqualTypeOf<string | undefined>();
      return new TextResponse(request.urlVars.identifier ?? '');
    });
  });

  test('a variable the pattern does not have is a compile error', () => {
    new Routes().get('/users/<id:int>', (request) => {
      // @ts-expect-error the pattern has no variable "name"
      return new TextResponse(request.urlVars.name);
    });
  });

  test('Route objects are typed from their path and fit in one list', () => {
    const show = new Route('/users/<id:int>', 'GET', (request) => {
      expectTypeOf(request.urlVars.id).toEqualTypeOf<number>();
      return new Success(request.urlVars.id);
    });
    const list: Route[] = [show, new Route('/y', 'GET', () => new TextResponse('y'))];
    expectTypeOf(list).toEqualTypeOf<Route[]>();
  });
});
