import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePath, parseCookies, parseQuery, splitUrl } from '../../runtime/core/url.js';
import { readBody } from '../../runtime/http/body.js';
import { ExceptionResponse } from '../../runtime/core/error-list.js';
import { ErrorRegistry } from '../../runtime/core/error-registry.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { JsonResponse } from '../../runtime/core/responses.js';
import { writeResponse } from '../../runtime/http/write-response.js';
import { serve, type TestServer } from './serve.js';

const LIMIT = 1024;
const registry = new ErrorRegistry();
let server: TestServer;
/** What the server saw of the last request: the rejection, and how many bytes it had read. */
let last: { error?: unknown; bytesRead?: number } = {};

function describeBody(body: unknown): unknown {
  if (Buffer.isBuffer(body)) return { buffer: body.toString('base64') };
  if (body === undefined) return { undefined: true };
  return { value: body, prototype: typeof body === 'object' && body !== null ? Object.getPrototypeOf(body) === null : undefined };
}

beforeAll(async () => {
  server = await serve(async (req, res) => {
    last = {};
    try {
      const { path, query } = splitUrl(req.url!);
      const decoded = decodePath(path);
      const body = await readBody(req, { limit: LIMIT });
      await writeResponse(res, new JsonResponse({ path: decoded, query: parseQuery(query), body: describeBody(body) }));
    } catch (error) {
      last = { error, bytesRead: req.socket.bytesRead };
      await writeResponse(res, registry.render(error));
    }
  });
});

afterAll(() => server.close());

async function send(body: string | Buffer | undefined, headers: Record<string, string> = {}, url = '/'): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(server.url + url, { method: body === undefined ? 'GET' : 'POST', headers, body });
  return { status: response.status, json: await response.json(), headers: response.headers };
}

describe('readBody', () => {
  it('parses JSON, including +json types and a leading byte order mark', async () => {
    expect((await send('{"a":[1,"x"],"b":null}', { 'content-type': 'application/json' })).json.body.value).toEqual({ a: [1, 'x'], b: null });
    expect((await send('[1,2]', { 'content-type': 'application/vnd.api+json; charset=utf-8' })).json.body.value).toEqual([1, 2]);
    expect((await send('\uFEFF{"bom":true}', { 'content-type': 'application/json' })).json.body.value).toEqual({ bom: true });
  });

  it('answers malformed JSON with bad_request 400 and a message', async () => {
    const { status, json } = await send('{"a":', { 'content-type': 'application/json' });
    expect(status).toBe(400);
    expect(json.status).toBe('error');
    expect(json.code).toBe('bad_request');
    expect(json.message).toMatch(/^Malformed JSON body: /);
  });

  it('parses urlencoded forms: repeated keys give arrays, + is a space, UTF-8 escapes decode', async () => {
    const { json } = await send('tag=a&tag=b&name=Ada+L%C3%A9a&empty=', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(json.body.value).toEqual({ tag: ['a', 'b'], name: 'Ada Léa', empty: '' });
  });

  it('reads text, in UTF-8 by default or the declared charset', async () => {
    expect((await send('héllo', { 'content-type': 'text/plain' })).json.body.value).toBe('héllo');
    const latin1 = Buffer.from('café', 'latin1');
    expect((await send(latin1, { 'content-type': 'text/plain; charset=ISO-8859-1' })).json.body.value).toBe('café');
  });

  it('gives a Buffer for other types and for a body with no content type', async () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect((await send(bytes, { 'content-type': 'application/octet-stream' })).json.body).toEqual({ buffer: bytes.toString('base64') });
    expect((await send(bytes)).json.body).toEqual({ buffer: bytes.toString('base64') });
  });

  it('gives undefined when there is no body, or an empty one', async () => {
    expect((await send(undefined)).json.body).toEqual({ undefined: true });
    expect((await send('', { 'content-type': 'application/json' })).json.body).toEqual({ undefined: true });
  });

  it('answers unsupported_media_type 415 for multipart, compressed bodies and unknown charsets', async () => {
    const multipart = await send('--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' });
    expect([multipart.status, multipart.json.code]).toEqual([415, 'unsupported_media_type']);
    const gzip = await send('not really gzip', { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    expect([gzip.status, gzip.json.code]).toEqual([415, 'unsupported_media_type']);
    const charset = await send('x', { 'content-type': 'text/plain; charset=klingon' });
    expect(charset.status).toBe(415);
    expect(charset.json.message).toContain('klingon');
  });

  it('refuses a body whose declared length is over the limit before reading it, and closes the connection', async () => {
    const { status, json, headers } = await send('x'.repeat(LIMIT + 1), { 'content-type': 'text/plain' });
    expect(status).toBe(413);
    expect(json.code).toBe('request_too_large');
    expect(headers.get('connection')).toBe('close');
  });

  it('accepts a body of exactly the limit', async () => {
    expect((await send('y'.repeat(LIMIT), { 'content-type': 'text/plain' })).json.body.value).toHaveLength(LIMIT);
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const total = 16 * 1024 * 1024;
    const chunk = Buffer.alloc(16 * 1024, 'z');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(server.url + '/', { method: 'POST', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } });
      req.on('response', (res: IncomingMessage) => {
        res.resume();
        resolve(res.statusCode!);
      });
      // The server hangs up without reading the rest: writes then fail, as they should.
      req.on('error', (error) => (last.error === undefined ? reject(error) : undefined));
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect((last.error as ExceptionResponse).code).toBe('request_too_large');
    // Far less than the 16 MiB offered: the limit plus what was already in flight.
    expect(last.bytesRead).toBeLessThan(1024 * 1024);
  });

  it('rejects with bad_request when the client stops in the middle of the body', async () => {
    last = {};
    await new Promise<void>((resolve) => {
      const req = httpRequest(server.url + '/', { method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': '100' } });
      req.on('error', () => resolve());
      req.write('only ten b', () => setImmediate(() => req.destroy()));
    });
    while (last.error === undefined) await new Promise((resolve) => setImmediate(resolve));
    expect(last.error).toBeInstanceOf(ExceptionResponse);
    expect((last.error as ExceptionResponse).code).toBe('bad_request');
  });
});

describe('reading a body twice', () => {
  it('is refused with a clear error instead of waiting forever', async () => {
    const outcome = new Promise<unknown>((resolve) => {
      void serve(async (req, res) => {
        await readBody(req, { limit: LIMIT });
        resolve(await readBody(req, { limit: LIMIT }).catch((error: unknown) => error));
        res.end();
      }).then(async (second) => {
        await fetch(second.url, { method: 'POST', body: 'x' });
        await second.close();
      });
    });
    const error = await outcome;
    expect(error).toBeInstanceOf(BackendtsError);
    expect((error as BackendtsError).code).toBe('BT_BODY_READ');
  });
});

describe('URL and path decoding', () => {
  it('decodes the path and answers bad percent-encoding with bad_request 400', async () => {
    expect((await send(undefined, {}, '/caf%C3%A9/a%20b?x=1')).json.path).toBe('/café/a b');
    const bad = await send(undefined, {}, '/bad%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ status: 'error', code: 'bad_request', message: 'The URL path has invalid percent-encoding.' });
    expect((await send(undefined, {}, '/%')).status).toBe(400);
  });

  it('splits the path from the query string, also for absolute-form targets', () => {
    expect(splitUrl('/a/b?x=1&y')).toEqual({ path: '/a/b', query: 'x=1&y' });
    expect(splitUrl('/a')).toEqual({ path: '/a', query: '' });
    expect(splitUrl('/a?')).toEqual({ path: '/a', query: '' });
    expect(splitUrl('http://example.com/p?q=1')).toEqual({ path: '/p', query: 'q=1' });
    expect(() => splitUrl('not a url')).toThrow(ExceptionResponse);
  });

  it('returns a path without escapes as it is', () => {
    const path = '/plain/path';
    expect(decodePath(path)).toBe(path);
  });
});

describe('parseQuery', () => {
  it('gives strings, arrays for repeated keys, and survives malformed escapes', () => {
    expect({ ...parseQuery('a=1&b=2&a=3&c&d=x+y&e=%41') }).toEqual({ a: ['1', '3'], b: '2', c: '', d: 'x y', e: 'A' });
    expect({ ...parseQuery('bad=%E0%A4%A&ok=1') }).toEqual({ bad: '\uFFFD%A', ok: '1' });
    expect({ ...parseQuery('') }).toEqual({});
  });

  it('treats __proto__ as an ordinary key', () => {
    const query = parseQuery('__proto__=x&toString=y');
    expect(Object.getPrototypeOf(query)).toBe(null);
    expect(query['__proto__']).toBe('x');
    expect(({} as Record<string, unknown>).toString).toBeTypeOf('function');
  });
});

describe('parseCookies', () => {
  it('parses name=value pairs, unquotes and decodes values, and keeps the first of a name', () => {
    expect({ ...parseCookies('sid=abc; theme="dark"; name=Ad%C3%A9; sid=second; broken=%E0%A4%A; flag') }).toEqual({
      sid: 'abc',
      theme: 'dark',
      name: 'Adé',
      broken: '%E0%A4%A',
    });
    expect({ ...parseCookies(undefined) }).toEqual({});
    expect({ ...parseCookies('') }).toEqual({});
    expect(Object.getPrototypeOf(parseCookies('__proto__=1'))).toBe(null);
  });
});
