/** Requests a client gets wrong: each gets the right 4xx JSON, and the server keeps serving. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../runtime/index.js';
import { send, serveProject, type Served } from './support.js';

describe('bad requests', () => {
  let served: Served;

  beforeAll(async () => {
    served = await serveProject('basic');
  });

  afterAll(() => served.bp.close());

  it('answers 400 bad_request to a malformed JSON body', async () => {
    const reply = await send(served.port, '/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a": ',
    });
    expect(reply.status).toBe(400);
    expect(reply.json.code).toBe('bad_request');
    expect(reply.json.message).toMatch(/Malformed JSON body/);
  });

  it('parses a JSON body before the handler', async () => {
    const reply = await send(served.port, '/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a": [1, 2]}',
    });
    expect(reply.json).toEqual({ body: { a: [1, 2] } });
  });

  it('answers 413 request_too_large past [networking] max_body_size, declared or streamed', async () => {
    const declared = await send(served.port, '/echo', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(1025),
    });
    expect(declared.status).toBe(413);
    expect(declared.json.code).toBe('request_too_large');
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: served.port, path: '/echo', method: 'POST', headers: { 'content-type': 'text/plain' }, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      // No content-length: chunked, so only counting the bytes can catch it.
      req.write('y'.repeat(800));
      req.end('y'.repeat(800));
    });
    expect(streamed).toBe(413);
    const fits = await send(served.port, '/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'z'.repeat(1024) });
    expect(fits.json).toEqual({ body: 'z'.repeat(1024) });
  });

  it('answers 400 to bad percent-encoding in the path', async () => {
    const reply = await send(served.port, '/items/%E0%A4%A');
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ status: 'error', code: 'bad_request' });
  });

  it('answers 404 not_found and 405 method_not_allowed with the allowed methods', async () => {
    const missing = await send(served.port, '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ status: 'error', code: 'not_found', message: 'Not found.' });
    const wrongMethod = await send(served.port, '/hello', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('validates with the route data handler: 400 invalid_data with field errors, cleanedData otherwise', async () => {
    const invalid = await send(served.port, '/count', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"count": -1}',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.code).toBe('invalid_data');
    expect(invalid.json.data.fieldErrors).toEqual({ count: ['must be a positive integer'] });
    const valid = await send(served.port, '/count?count=3', { method: 'POST' });
    expect(valid.json).toEqual({ status: 'success', data: { count: 3 } });
  });

  it('gives typed URL variables', async () => {
    expect((await send(served.port, '/items/42')).json).toEqual({ status: 'success', data: { id: 42 } });
  });

  it('answers HEAD like GET, without the body', async () => {
    const reply = await send(served.port, '/hello', { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe('5');
    expect(reply.text).toBe('');
  });

  it('keeps serving after all of the above', async () => {
    expect((await send(served.port, '/hello')).text).toBe('hello');
  });
});

describe('[networking] allowed_hosts', () => {
  const servers: Served[] = [];

  async function serveWith(networking: string): Promise<Served> {
    const config = parseConfig(`[networking]\n${networking}\n[apps]\nactive =\n    apps/first\n`, 'config.ini');
    const served = await serveProject('basic', undefined, { config });
    servers.push(served);
    return served;
  }

  afterAll(() => Promise.all(servers.map((served) => served.bp.close())));

  it('answers 400 disallowed_host to a Host not listed, and serves the listed ones', async () => {
    const served = await serveWith('allowed_hosts =\n    api.example.com\n    localhost:8000\n    *.example.org');
    const at = (host: string) => send(served.port, '/hello', { headers: { host } });
    const refused = await at('evil.test');
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('disallowed_host');
    expect((await at('api.example.com')).status).toBe(200);
    expect((await at('API.example.com:443')).status).toBe(200);
    expect((await at('localhost:8000')).status).toBe(200);
    expect((await at('localhost:9000')).status).toBe(400);
    expect((await at('a.b.example.org')).status).toBe(200);
    expect((await at('example.org')).status).toBe(400);
  });

  it('checks X-Forwarded-Host too when a proxy sets it', async () => {
    const served = await serveWith('allowed_hosts = api.example.com');
    const reply = await send(served.port, '/hello', { headers: { host: 'api.example.com', 'x-forwarded-host': 'evil.test' } });
    expect(reply.status).toBe(400);
  });

  it('allows every host with *', async () => {
    const served = await serveWith('allowed_hosts = *');
    expect((await send(served.port, '/hello', { headers: { host: 'anything.test' } })).status).toBe(200);
  });

  it('allows only loopback names when the setting is absent', async () => {
    const served = await serveWith('port = 0');
    expect((await send(served.port, '/hello')).status).toBe(200);
    expect((await send(served.port, '/hello', { headers: { host: 'localhost:1234' } })).status).toBe(200);
    expect((await send(served.port, '/hello', { headers: { host: '[::1]:80' } })).status).toBe(200);
    expect((await send(served.port, '/hello', { headers: { host: 'example.com' } })).status).toBe(400);
  });
});
