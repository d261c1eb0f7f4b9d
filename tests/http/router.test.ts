import { describe, expect, it } from 'vitest';
import { thrown } from '../support/thrown.js';
import { TextResponse } from '../../runtime/core/responses.js';
import { Router } from '../../runtime/core/router.js';
import { compilePath, Route, Routes, type Handler } from '../../runtime/core/routes.js';
import type { StandardSchemaV1 } from '../../runtime/core/standard-schema.js';

const handler = (label: string): Handler => () => new TextResponse(label);

function found(router: Router, method: string, path: string) {
  const match = router.match(method, path);
  if (match.route === undefined) throw new Error(`${method} ${path} did not match: ${JSON.stringify(match)}`);
  return { label: (match.route.handler as () => TextResponse)().body, urlVars: match.urlVars };
}

describe('Routes', () => {
  it('collects routes per method in order, and list() returns a copy', () => {
    const routes = new Routes()
      .get('/a', handler('a'))
      .post('/a', handler('b'))
      .put('/a', handler('c'))
      .patch('/a', handler('d'))
      .delete('/a', handler('e'))
      .route('/b', ['get', 'post'], handler('f'), { name: 'both' });
    const list = routes.list();
    expect(list.map((r) => r.methods)).toEqual([['GET'], ['POST'], ['PUT'], ['PATCH'], ['DELETE'], ['GET', 'POST']]);
    expect(list[5]!.options.name).toBe('both');
    list.pop();
    expect(routes.list()).toHaveLength(6);
  });

  it('is not iterable, so an app tells a Routes from a list of routes', () => {
    expect(Symbol.iterator in new Routes()).toBe(false);
  });

  it('accepts Route objects made elsewhere', () => {
    const kept = [new Route('/x', 'GET', handler('x')), new Route('/y', ['POST'], handler('y'))];
    const router = new Router([new Routes().add(...kept)]);
    expect(found(router, 'POST', '/y').label).toBe('y');
  });

  it('carries the db and dataHandler options untouched', () => {
    const schema: StandardSchemaV1 = { '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value }) } };
    const route = new Route('/x', 'GET', handler('x'), { dataHandler: schema, db: { transaction: 'read-only' } });
    expect(route.options.db).toEqual({ transaction: 'read-only' });
    expect(route.options.dataHandler).toBe(schema);
  });

  it('refuses a dataHandler that is not a Standard Schema validator', () => {
    const error = thrown(() => new Route('/x', 'GET', handler('x'), { dataHandler: {} as StandardSchemaV1 }));
    expect(error.code).toBe('BT_ROUTE_DATA_HANDLER');
    expect(error.message).toContain('"/x"');
  });

  it('refuses invalid methods and a missing handler', () => {
    expect(thrown(() => new Route('/x', [], handler('x'))).code).toBe('BT_ROUTE_METHOD');
    expect(thrown(() => new Route('/x', 'GE T', handler('x'))).code).toBe('BT_ROUTE_METHOD');
    expect(thrown(() => new Route('/x', 'GET', undefined as unknown as Handler)).code).toBe('BT_ROUTE_HANDLER');
  });
});

describe('path syntax', () => {
  it.each([
    ['users/<id>', 'does not start with "/"'],
    ['/users/<id', 'never closed'],
    ['/users/<>', 'is not a variable'],
    ['/users/<1d>', 'is not a variable'],
    ['/users/<id:int:x>', 'is not a variable'],
    ['/users/<id:uuid>', 'converter "uuid" is unknown'],
    ['/users/<id>/<id:int>', 'variable "id" appears twice'],
    ['^/users/(?<id>.+$', 'Invalid regular expression'],
  ])('refuses %s, naming the path', (path, why) => {
    const error = thrown(() => new Routes().get(path, handler('x')));
    expect(error.code).toBe('BT_ROUTE_PATH');
    expect(error.message).toContain(JSON.stringify(path));
    expect(error.message).toContain(why);
    expect(error.hint).toBeTruthy();
  });

  it('refuses a regex with a duplicate named group, naming it', () => {
    const error = thrown(() => compilePath('^/(?<a>x)/(?<a>y)$'));
    expect(error.message).toContain('"^/(?<a>x)/(?<a>y)$"');
  });

  it('treats regexes that match one path only as static paths', () => {
    expect(compilePath('^/hello-world$').staticPath).toBe('/hello-world');
    expect(compilePath(/^\/hello\.json$/).staticPath).toBe('/hello.json');
    expect(compilePath('/plain/path').staticPath).toBe('/plain/path');
    expect(compilePath(/^\/users?$/).staticPath).toBeUndefined();
    expect(compilePath(/^\/a$/i).staticPath).toBeUndefined();
  });

  it('finds the literal first segment of dynamic paths, and only when it is certain', () => {
    expect(compilePath('/users/<id>').firstSegment).toBe('users');
    expect(compilePath('^/users/(?<id>.+)$').firstSegment).toBe('users');
    expect(compilePath(/^\/users?\/(?<id>.+)$/).firstSegment).toBeUndefined();
    expect(compilePath(/^\/a\/x|^\/b\/(?<y>.+)$/).firstSegment).toBeUndefined();
    expect(compilePath('/<slug>/x').firstSegment).toBeUndefined();
    expect(compilePath('/user<id>/x').firstSegment).toBeUndefined();
  });
});

describe('Router', () => {
  const routes = new Routes()
    .get('/', handler('root'))
    .get('^/hello-world$', handler('hello'))
    .get('/users/me', handler('me'))
    .get('/users/<id:int>', handler('user by id'))
    .delete('/users/<name>', handler('delete user'))
    .get(/^\/people\/(?<identifier>.+)$/, handler('person'))
    .get('^/legacy/(?P<code>[a-z]+)$', handler('python-style'))
    .get('/files/<rest:path>', handler('file'))
    .get('/tags/<tag:str>/posts/<n:int>', handler('tagged'))
    .get('/<lang>/about', handler('about'))
    .get('/reports/<year:int>.csv', handler('report'))
    .route('/items', ['POST', 'PUT'], handler('items'));
  const router = new Router([routes]);

  it('finds static paths, including regexes that match one path', () => {
    expect(found(router, 'GET', '/').label).toBe('root');
    expect(found(router, 'GET', '/hello-world')).toEqual({ label: 'hello', urlVars: {} });
    expect(found(router, 'GET', '/users/me').label).toBe('me');
  });

  it('fills urlVars from named groups and patterns, with <x:int> as a number', () => {
    expect(found(router, 'GET', '/users/42')).toEqual({ label: 'user by id', urlVars: { id: 42 } });
    expect(found(router, 'GET', '/people/ada lovelace')).toEqual({ label: 'person', urlVars: { identifier: 'ada lovelace' } });
    expect(found(router, 'GET', '/legacy/abc')).toEqual({ label: 'python-style', urlVars: { code: 'abc' } });
    expect(found(router, 'GET', '/files/a/b/c.txt')).toEqual({ label: 'file', urlVars: { rest: 'a/b/c.txt' } });
    expect(found(router, 'GET', '/tags/ts/posts/7')).toEqual({ label: 'tagged', urlVars: { tag: 'ts', n: 7 } });
    expect(found(router, 'GET', '/fr/about')).toEqual({ label: 'about', urlVars: { lang: 'fr' } });
    expect(found(router, 'GET', '/reports/2024.csv')).toEqual({ label: 'report', urlVars: { year: 2024 } });
    expect(router.match('GET', '/reports/2024xcsv')).toEqual({ notFound: true });
  });

  it('does not let <x:str> cross a slash or <x:int> take non-digits', () => {
    expect(router.match('GET', '/tags/a/b/posts/7')).toEqual({ notFound: true });
    expect(router.match('GET', '/tags/ts/posts/7x')).toEqual({ notFound: true });
    expect(router.match('GET', '/users/42/extra')).toEqual({ notFound: true });
  });

  it('treats an <x:int> too large for a safe integer as no match', () => {
    expect(found(router, 'DELETE', '/users/99999999999999999999').urlVars).toEqual({ name: '99999999999999999999' });
    expect(router.match('GET', '/users/99999999999999999999')).toEqual({ methodNotAllowed: true, allowed: ['DELETE', 'OPTIONS'] });
  });

  it('prefers a static path over a pattern that also matches it', () => {
    const both = new Router([new Routes().get('/users/<name>', handler('pattern')).get('/users/me', handler('static'))]);
    expect(found(both, 'GET', '/users/me').label).toBe('static');
    expect(found(both, 'GET', '/users/you').label).toBe('pattern');
  });

  it('tries dynamic paths in the order they were added', () => {
    const ordered = new Router([
      new Routes().get('/<any>/x', handler('first')).get('/a/<b>', handler('second')).get(/^\/a\/(?<c>.*)$/, handler('third')),
    ]);
    expect(found(ordered, 'GET', '/a/x').label).toBe('first');
    expect(found(ordered, 'GET', '/a/y').label).toBe('second');
    expect(found(ordered, 'GET', '/a/').label).toBe('third');
  });

  it('moves on to a later path when an earlier one matches the path but not the method', () => {
    expect(found(router, 'DELETE', '/users/me').label).toBe('delete user');
    expect(found(router, 'DELETE', '/users/42').label).toBe('delete user');
  });

  it('answers not found for unknown paths and method not allowed (with the allowed methods) for known ones', () => {
    expect(router.match('GET', '/nowhere')).toEqual({ notFound: true });
    expect(router.match('GET', '/users')).toEqual({ notFound: true });
    expect(router.match('GET', '/items')).toEqual({ methodNotAllowed: true, allowed: ['POST', 'PUT', 'OPTIONS'] });
    expect(router.match('POST', '/hello-world')).toEqual({ methodNotAllowed: true, allowed: ['GET', 'HEAD', 'OPTIONS'] });
  });

  it('lists the methods of every path that matches when none allows the method', () => {
    expect(router.match('PUT', '/users/42')).toEqual({ methodNotAllowed: true, allowed: ['GET', 'HEAD', 'DELETE', 'OPTIONS'] });
    expect(router.match('PUT', '/users/me')).toEqual({ methodNotAllowed: true, allowed: ['GET', 'HEAD', 'DELETE', 'OPTIONS'] });
  });

  it('hands out an allowed list the caller may change without harm', () => {
    const first = router.match('POST', '/hello-world');
    if (!first.methodNotAllowed) throw new Error('expected method not allowed');
    first.allowed.push('PATCH');
    expect(router.match('POST', '/hello-world')).toEqual({ methodNotAllowed: true, allowed: ['GET', 'HEAD', 'OPTIONS'] });
  });

  it('answers HEAD with the GET route unless a HEAD route exists', () => {
    expect(found(router, 'HEAD', '/hello-world').label).toBe('hello');
    expect(found(router, 'HEAD', '/users/5').urlVars).toEqual({ id: 5 });
    const own = new Router([new Routes().get('/x', handler('get')).route('/x', 'HEAD', handler('head'))]);
    expect(found(own, 'HEAD', '/x').label).toBe('head');
    expect(own.match('POST', '/x')).toEqual({ methodNotAllowed: true, allowed: ['GET', 'HEAD', 'OPTIONS'] });
  });

  it('gives each match its own urlVars object', () => {
    const a = router.match('GET', '/');
    const b = router.match('GET', '/');
    expect(a.route && b.route && a.urlVars !== b.urlVars).toBe(true);
  });

  it('lists every route it was built from', () => {
    expect(router.routes).toHaveLength(12);
  });
});

describe('Router conflicts', () => {
  it('refuses two routes with the same method and path, naming both', () => {
    const error = thrown(
      () =>
        new Router([
          new Routes().get('/users/<id>', handler('a'), { name: 'show user' }),
          new Routes().get('/users/<key>', handler('b'), { name: 'user by key' }),
        ]),
    );
    expect(error.code).toBe('BT_DUPLICATE_ROUTE');
    expect(error.message).toBe(
      'Two routes answer GET on the same path: "/users/<id>" (route "show user") and "/users/<key>" (route "user by key")',
    );
  });

  it('sees a static regex and the same plain path as one path', () => {
    const error = thrown(() => new Router([new Routes().get('^/hello$', handler('a')).get('/hello', handler('b'))]));
    expect(error.code).toBe('BT_DUPLICATE_ROUTE');
  });

  it('names the apps when built from apps', () => {
    const error = thrown(() =>
      Router.fromApps([
        { name: 'accounts', app: { routes: [new Routes().post('/login', handler('a'))] } },
        { name: 'blog', app: { routes: [new Route('/login', ['GET', 'POST'], handler('b'))] } },
      ]),
    );
    expect(error.message).toContain('app "accounts"');
    expect(error.message).toContain('app "blog"');
    expect(error.message).toContain('answer POST');
  });

  it('allows the same path with different methods across apps', () => {
    const router = Router.fromApps([
      { name: 'a', app: { routes: [new Routes().get('/x', handler('get'))] } },
      { name: 'b', app: { routes: [new Routes().post('/x', handler('post'))] } },
    ]);
    expect(found(router, 'POST', '/x').label).toBe('post');
    expect(router.match('PUT', '/x')).toEqual({ methodNotAllowed: true, allowed: ['GET', 'POST', 'HEAD', 'OPTIONS'] });
  });

  it('refuses an app routes entry that is neither Routes nor Route, naming the app', () => {
    const error = thrown(() => Router.fromApps([{ name: 'shop', app: { routes: [{} as Routes] } }]));
    expect(error.message).toContain('App "shop"');
  });
});
