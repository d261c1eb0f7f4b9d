/** Middlewares at the request, handler and response layers, from config.ini, code and apps. */
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BackendtsError, ExceptionResponse, parseConfig, type Middleware } from '../../runtime/index.js';
import { FIXTURES, project, send, serveProject, type Served } from './support.js';

describe('middlewares', () => {
  let served: Served;
  let context: { calls?: string[]; failIn?: string };

  beforeAll(async () => {
    const inCode: Middleware = {
      processRequest(request) {
        context.calls?.push('code:request');
        if (context.failIn === 'request') throw new ExceptionResponse('bad_request', { message: 'refused by middleware' });
      },
      processResponse(request, response) {
        context.calls?.push('code:response');
        if (context.failIn === 'response') throw new Error('response middleware broke');
        return response;
      },
    };
    served = await serveProject('middlewares', (bp) => {
      context = bp.context as typeof context;
      bp.use(inCode);
    });
  });

  afterAll(() => served.bp.close());

  beforeEach(() => {
    context.calls = [];
    delete context.failIn;
  });

  it('runs config middlewares, then code ones, then the apps\' in list order, and the response layer in reverse', async () => {
    const reply = await send(served.port, '/hello');
    expect(reply.text).toBe('hello');
    expect(reply.headers['x-guard']).toBe('seen');
    expect(context.calls).toEqual([
      'trace:request',
      'guard:request',
      'code:request',
      'app:request',
      'trace:handler',
      'guard:handler',
      'handler',
      'app:response',
      'code:response',
      'guard:response',
      'trace:response',
    ]);
  });

  it('answers at once when a request middleware returns a response: no routing, no handler', async () => {
    const reply = await send(served.port, '/nowhere', { headers: { 'x-block': '1' } });
    expect(reply.status).toBe(403);
    expect(reply.text).toBe('blocked');
    expect(context.calls).toEqual(['trace:request', 'guard:request']);
  });

  it('lets a request middleware rewrite the path before routing', async () => {
    expect((await send(served.port, '/old-hello')).text).toBe('hello');
  });

  it('calls the handler a handler middleware returns', async () => {
    const reply = await send(served.port, '/hello', { headers: { 'x-wrap': '1' } });
    expect(reply.text).toBe('wrapped(hello)');
  });

  it('sends the error response a middleware throws, and logs other failures as 500', async () => {
    context.failIn = 'request';
    const refused = await send(served.port, '/hello');
    expect(refused.status).toBe(400);
    expect(refused.json.message).toBe('refused by middleware');
    context.failIn = 'response';
    const broken = await send(served.port, '/hello');
    expect(broken.status).toBe(500);
    expect(served.logger.errors.at(-1)?.error).toMatchObject({ message: 'response middleware broke' });
  });
});

describe('[middlewares] active entries that cannot be used', () => {
  async function initWith(entry: string): Promise<BackendtsError> {
    const config = parseConfig(`[middlewares]\nactive =\n    ${entry}\n`, 'config.ini');
    const { bp } = project('middlewares', { config });
    return bp.init().then(
      () => {
        throw new Error('init() should have failed');
      },
      (error: BackendtsError) => error,
    );
  }

  it('names the entry and the missing module', async () => {
    const error = await initWith('./middlewares/nope#Nope');
    expect(error.code).toBe('BT_MIDDLEWARE_MISSING');
    expect(error.message).toMatch(/middleware "\.\/middlewares\/nope#Nope" listed in .* \[middlewares\] active: cannot find module/);
  });

  it('names the missing export', async () => {
    const error = await initWith('./middlewares/trace#Tracer');
    expect(error.code).toBe('BT_MIDDLEWARE_EXPORT');
    expect(error.message).toContain(path.join(FIXTURES, 'middlewares', 'middlewares', 'trace.ts'));
    expect(error.message).toMatch(/no export "Tracer"/);
  });

  it('refuses an export that is not a middleware', async () => {
    const error = await initWith('./middlewares/trace#notAMiddleware');
    expect(error.code).toBe('BT_MIDDLEWARE_INVALID');
  });

  it('refuses bp.use() once the apps are loaded', async () => {
    const { bp } = project('middlewares');
    await bp.init();
    expect(() => bp.use({ processRequest: () => undefined })).toThrow(/after the apps were loaded/);
  });
});
