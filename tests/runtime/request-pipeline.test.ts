/**
 * The request path's order: the body is read once a route matched (under the
 * route's own limit), OPTIONS and HEAD are answered for every path, and
 * error responses go through the response middlewares like any other.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Route, TextResponse, type Middleware } from '../../runtime/index.js';
import { createTestClient, type TestClient } from '../../testing/index.js';
import { thrown } from '../support/thrown.js';
import { project, type RecordingLogger } from './support.js';
import type { Backendts } from '../../runtime/index.js';

describe('the request path', () => {
  let bp: Backendts;
  let logger: RecordingLogger;
  let client: TestClient;
  let breakOn: number | undefined;
  let bodiesSeenBeforeRouting: unknown[];

  beforeAll(() => {
    ({ bp, logger } = project('pipeline'));
    const cors: Middleware = {
      processRequest(request) {
        bodiesSeenBeforeRouting.push(request.body);
      },
      processResponse(_request, response) {
        if (response.status === breakOn) throw new Error('cors broke');
        response.headers['access-control-allow-origin'] = '*';
        return response;
      },
    };
    bp.use(cors);
    client = createTestClient(bp);
  });

  afterAll(() => bp.close());

  beforeEach(() => {
    breakOn = undefined;
    bodiesSeenBeforeRouting = [];
    logger.errors.length = 0;
  });

  const body = (bytes: number) => ({ body: 'x'.repeat(bytes), headers: { 'content-type': 'text/plain' } });

  it('answers 404 and 405 without reading a body, even one past the body limit', async () => {
    expect((await client.post('/nowhere', body(2048))).status).toBe(404);
    const wrongMethod = await client.put('/items', body(2048));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await client.post('/items', body(2048))).status).toBe(413);
  });

  it('reads the body after the request middlewares, which run before routing', async () => {
    const reply = await client.post('/items', { json: { a: 1 } });
    expect(await reply.json()).toEqual({ status: 'success', data: { body: { a: 1 } } });
    expect(bodiesSeenBeforeRouting).toEqual([undefined]);
  });

  it("reads a route's body under its own bodyLimit instead of [networking] max_body_size", async () => {
    const fits = await client.post('/upload', body(3000));
    expect(await fits.json()).toEqual({ status: 'success', data: { length: 3000 } });
    const tooLarge = await client.post('/upload', body(5000));
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { message: string }).message).toBe('The request body is larger than 4096 bytes.');
  });

  it('refuses a bodyLimit that is not a size, naming the route', () => {
    const handler = () => new TextResponse('');
    expect(new Route('/big', 'POST', handler, { bodyLimit: '10mb' }).bodyLimit).toBe(10 * 1024 * 1024);
    expect(new Route('/exact', 'POST', handler, { bodyLimit: 2048 }).bodyLimit).toBe(2048);
    expect(new Route('/default', 'POST', handler).bodyLimit).toBeUndefined();
    const words = thrown(() => new Route('/big', 'POST', handler, { bodyLimit: '10 parsecs' }));
    expect(words.code).toBe('BT_ROUTE_BODY_LIMIT');
    expect(words.message).toBe('Route POST "/big": bodyLimit: "10 parsecs" is not a size');
    expect(thrown(() => new Route('/big', 'POST', handler, { bodyLimit: -1 })).code).toBe('BT_ROUTE_BODY_LIMIT');
  });

  it('answers OPTIONS with 204 and the path\'s methods when no route handles OPTIONS', async () => {
    const items = await client.request('/items', { method: 'OPTIONS' });
    expect(items.status).toBe(204);
    expect(items.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await items.text()).toBe('');
    expect((await client.request('/hello', { method: 'OPTIONS' })).headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const own = await client.request('/own', { method: 'OPTIONS' });
    expect(await own.text()).toBe('own options');
    expect((await client.request('/nowhere', { method: 'OPTIONS' })).status).toBe(404);
  });

  it('answers HEAD for a GET route with the headers GET gives, without the body', async () => {
    for (const target of ['/hello', '/data']) {
      const get = await client.get(target);
      const head = await client.request(target, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(head.headers.get('content-length')).toBe(String((await get.arrayBuffer()).byteLength));
      expect(await head.text()).toBe('');
    }
  });

  it('passes every response through the response middlewares: success, 404, 405, 4xx, 500, automatic OPTIONS', async () => {
    const statuses: Record<string, [string, number]> = {
      '/hello': ['GET', 200],
      '/nowhere': ['GET', 404],
      '/items': ['GET', 405],
      '/refuse': ['GET', 400],
      '/fail': ['GET', 500],
      '/data': ['OPTIONS', 204],
    };
    for (const [target, [method, status]] of Object.entries(statuses)) {
      const reply = await client.request(target, { method });
      expect([target, reply.status, reply.headers.get('access-control-allow-origin')]).toEqual([target, status, '*']);
    }
  });

  it('sends the error response as rendered when a response middleware fails on it, and logs the failure', async () => {
    breakOn = 404;
    const reply = await client.get('/nowhere');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(await reply.json()).toEqual({ status: 'error', code: 'not_found', message: 'Not found.' });
    expect(logger.errors.map((entry) => [entry.message, (entry.error as Error).message])).toEqual([
      ['GET /nowhere: a response middleware failed on the error response (sent without it)', 'cors broke'],
    ]);
  });
});

