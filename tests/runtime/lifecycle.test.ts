/** Events and hooks around each request: their order, and what happens when they fail. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExceptionResponse } from '../../runtime/index.js';
import { send, serveProject, type Served } from './support.js';

interface TestContext {
  calls?: string[];
  failSuccess?: 'throw' | 'exception';
  failException?: boolean;
  failStart?: boolean;
}

describe('events around a request', () => {
  let served: Served;
  let context: TestContext;
  const ended: { error: unknown; status: number | undefined }[] = [];

  beforeAll(async () => {
    served = await serveProject('basic', (bp) => {
      context = bp.context as TestContext;
      const calls = (what: string) => context.calls?.push(what);
      bp.event('request_start', () => {
        calls('bp:request_start');
        if (context.failStart) throw new Error('request_start failed');
      });
      bp.event('success_response', () => {
        calls('bp:success_response');
        // Like a database commit that fails: the response must become an error.
        if (context.failSuccess === 'throw') throw new Error('commit failed');
        if (context.failSuccess === 'exception') throw new ExceptionResponse('service_unavailable');
      });
      bp.event('exception_response', ({ error }) => {
        calls(`bp:exception_response(${error instanceof Error ? error.message : String(error)})`);
        if (context.failException) throw new Error('rollback failed');
      });
      bp.event('request_end', ({ response, error }) => {
        calls('bp:request_end');
        ended.push({ error, status: response?.status });
      });
    });
  });

  afterAll(() => served.bp.close());

  beforeEach(() => {
    context.calls = [];
    delete context.failSuccess;
    delete context.failException;
    delete context.failStart;
    ended.length = 0;
    served.logger.errors.length = 0;
  });

  it('runs request_start, the handler, success_response and request_end in order, bp first then apps in config order', async () => {
    const reply = await send(served.port, '/hello');
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('hello');
    expect(context.calls).toEqual([
      'bp:request_start',
      'first:request_start',
      'second:request_start',
      'handler',
      'bp:success_response',
      'first:success_response',
      'second:success_response',
      'bp:request_end',
      'first:request_end',
      'second:request_end',
    ]);
  });

  it('runs exception_response instead of success_response when the handler throws an error response', async () => {
    const reply = await send(served.port, '/teapot');
    expect(reply.status).toBe(418);
    expect(reply.json).toEqual({ status: 'error', code: 'first_teapot', message: 'I am a teapot', data: { why: 'short and stout' } });
    expect(context.calls).toEqual([
      'bp:request_start',
      'first:request_start',
      'second:request_start',
      'bp:exception_response(first_teapot)',
      'first:exception_response',
      'bp:request_end',
      'first:request_end',
      'second:request_end',
    ]);
  });

  it('answers with an error response found as the cause of a wrapping error, without logging it as a crash', async () => {
    const reply = await send(served.port, '/wrapped-teapot');
    expect(reply.status).toBe(418);
    expect(reply.json).toEqual({ status: 'error', code: 'first_teapot', message: 'I am a teapot' });
    expect(served.logger.errors).toEqual([]);
  });

  it('turns a success into an error response when a success_response hook throws, and then runs exception_response', async () => {
    context.failSuccess = 'throw';
    const reply = await send(served.port, '/hello');
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ status: 'error', code: 'server_error', message: 'Internal server error.' });
    expect(context.calls).toEqual([
      'bp:request_start',
      'first:request_start',
      'second:request_start',
      'handler',
      'bp:success_response',
      'bp:exception_response(commit failed)',
      'first:exception_response',
      'bp:request_end',
      'first:request_end',
      'second:request_end',
    ]);
    expect(ended).toHaveLength(1);
    expect((ended[0]!.error as Error).message).toBe('commit failed');
    expect(ended[0]!.status).toBe(500);
    expect(served.logger.errors.map((e) => (e.error as Error).message)).toEqual(['commit failed']);
  });

  it('runs success_response before a byte of the response is written', async () => {
    const written: number[] = [];
    served.bp.event('success_response', async ({ request }) => {
      await new Promise((resolve) => setImmediate(resolve));
      written.push(request.raw.socket.bytesWritten);
    });
    expect((await send(served.port, '/hello')).status).toBe(200);
    expect(written).toEqual([0]);
  });

  it('sends the error response a success_response hook throws', async () => {
    context.failSuccess = 'exception';
    const reply = await send(served.port, '/hello');
    expect(reply.status).toBe(503);
    expect(reply.json.code).toBe('service_unavailable');
    expect(served.logger.errors).toEqual([]);
  });

  it('still sends the error response when an exception_response hook throws, runs the other hooks, and logs it', async () => {
    context.failException = true;
    const reply = await send(served.port, '/teapot');
    expect(reply.status).toBe(418);
    expect(context.calls).toContain('first:exception_response');
    expect(context.calls?.at(-1)).toBe('second:request_end');
    expect(served.logger.errors.map((e) => e.message)).toEqual(['GET /teapot: an exception_response hook failed']);
  });

  it('answers with an error and still ends the request when a request_start hook throws', async () => {
    context.failStart = true;
    const reply = await send(served.port, '/hello');
    expect(reply.status).toBe(500);
    expect(context.calls).not.toContain('handler');
    expect(context.calls).toContain('bp:exception_response(request_start failed)');
    expect(context.calls?.filter((c) => c === 'bp:request_end')).toHaveLength(1);
  });

  it('answers 500 without internals for an unknown error, and logs it with its stack', async () => {
    const reply = await send(served.port, '/fail');
    expect(reply.status).toBe(500);
    expect(reply.text).not.toContain('secret');
    expect(reply.json).toEqual({ status: 'error', code: 'server_error', message: 'Internal server error.' });
    expect(served.logger.errors).toHaveLength(1);
    expect((served.logger.errors[0]!.error as Error).stack).toContain('handlers.ts');
  });

  it('answers 500 and logs a clear message when a handler returns something that is not a response', async () => {
    const reply = await send(served.port, '/not-a-response');
    expect(reply.status).toBe(500);
    expect(String((served.logger.errors[0]!.error as Error).message)).toMatch(/returned an object \(Object\) instead of a response/);
  });

  it('answers 500 and ends the request when the response cannot be sent (a header node:http refuses)', async () => {
    const reply = await send(served.port, '/bad-header');
    expect(reply.status).toBe(500);
    expect(reply.json.code).toBe('server_error');
    expect(served.logger.errors[0]!.message).toBe('GET /bad-header: sending the response failed');
    expect(ended).toHaveLength(1);
    expect((ended[0]!.error as { code?: string }).code).toBe('ERR_INVALID_CHAR');
  });

  it('ends the request once, cuts the connection and logs when a streamed body fails half-way', async () => {
    const outcome = await send(served.port, '/broken-stream').then(
      (reply) => `answered ${reply.status}`,
      () => 'cut',
    );
    expect(outcome).toBe('cut');
    expect(context.calls?.filter((c) => c === 'bp:request_end')).toHaveLength(1);
    expect((ended[0]!.error as Error).message).toBe('the source broke');
    expect(served.logger.errors.map((e) => e.message)).toEqual(['GET /broken-stream: sending the response failed']);
  });

  it('treats an error code no app declared as a server error, and logs it', async () => {
    const reply = await send(served.port, '/undeclared');
    expect(reply.status).toBe(500);
    expect(served.logger.errors[0]!.message).toMatch(/"nobody_declared_this" is not declared/);
  });

  it('runs request_end exactly once after the client goes away mid-handler, with the signal aborted', async () => {
    const ended = new Promise<void>((resolve) => served.bp.event('request_end', ({ request }) => {
      if (request.path === '/wait-for-disconnect') resolve();
    }));
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: served.port, path: '/wait-for-disconnect', agent: false });
      req.on('error', () => undefined);
      req.end();
      // Leave once the handler is running.
      const poll = setInterval(() => {
        if (context.calls?.includes('handler')) {
          clearInterval(poll);
          req.destroy();
          resolve();
        }
      }, 5);
      req.on('response', () => reject(new Error('the handler answered before the client left')));
    });
    await ended;
    expect(context.calls).toEqual([
      'bp:request_start',
      'first:request_start',
      'second:request_start',
      'handler',
      'aborted',
      'bp:success_response',
      'first:success_response',
      'second:success_response',
      'bp:request_end',
      'first:request_end',
      'second:request_end',
    ]);
    expect(served.logger.errors).toEqual([]);
  });

  it('runs a custom event with its arguments through executeEvent, bp handlers first', async () => {
    const seen: unknown[] = [];
    served.bp.event('user_created', ({ user }) => {
      seen.push(user);
    });
    await served.bp.executeEvent('user_created', { user: 'ada' });
    expect(seen).toEqual(['ada']);
    served.bp.event('broken_event', () => {
      throw new Error('custom failed');
    });
    await expect(served.bp.executeEvent('broken_event')).rejects.toThrow('custom failed');
  });
});
