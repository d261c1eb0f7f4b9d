import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExceptionResponse } from '../../runtime/core/error-list.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import {
  contentTypeFor,
  FileResponse,
  HtmlResponse,
  HttpResponse,
  JsonResponse,
  RedirectResponse,
  StreamResponse,
  Success,
  TextResponse,
} from '../../runtime/core/responses.js';
import { writeResponse } from '../../runtime/http/write-response.js';
import { serve, type TestServer } from './serve.js';

/** The response each test path answers with, and what writeResponse did. */
const routes = new Map<string, (res: ServerResponse) => HttpResponse>();
const outcomes = new Map<string, Promise<unknown>>();
let server: TestServer;
let dir: string;
const bigFile = Buffer.alloc(3 * 1024 * 1024 + 17, 'abcdefghij');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'backendts-responses-'));
  writeFileSync(path.join(dir, 'big.bin'), bigFile);
  writeFileSync(path.join(dir, 'page.html'), '<h1>hi</h1>');
  writeFileSync(path.join(dir, 'data.JSON'), '{"a":1}');
  server = await serve(async (req, res) => {
    const make = routes.get(req.url!);
    if (make === undefined) throw new Error(`no test route ${req.url}`);
    const outcome = writeResponse(res, make(res), { head: req.method === 'HEAD' });
    outcomes.set(req.url!, outcome.then(() => 'sent', (error: unknown) => error));
    await outcome;
  });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function answer(url: string, make: (res: ServerResponse) => HttpResponse): string {
  routes.set(url, make);
  return server.url + url;
}

describe('writeResponse through node:http', () => {
  it('sends TextResponse with its content type and the byte length of multi-byte text', async () => {
    const response = await fetch(answer('/text', () => new TextResponse('héllo ✓')));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength('héllo ✓')));
    expect(await response.text()).toBe('héllo ✓');
  });

  it('sends JsonResponse and Success envelopes', async () => {
    const json = await fetch(answer('/json', () => new JsonResponse({ a: [1, 'b'] }, { status: 202 })));
    expect(json.status).toBe(202);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual({ a: [1, 'b'] });

    const success = await fetch(answer('/success', () => new Success({ id: 1 }, { status: 201, message: 'Created.' })));
    expect(success.status).toBe(201);
    expect(await success.text()).toBe('{"status":"success","message":"Created.","data":{"id":1}}');
    const bare = await fetch(answer('/success-bare', () => new Success()));
    expect(await bare.json()).toEqual({ status: 'success', data: null });
  });

  it('sends HtmlResponse and custom headers, lower-casing their names and repeating multi-valued ones', async () => {
    const response = await fetch(
      answer('/html', () => new HtmlResponse('<p>ok</p>', { headers: { 'X-Trace': 'abc', 'Set-Cookie': ['a=1', 'b=2'] } })),
    );
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-trace')).toBe('abc');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.text()).toBe('<p>ok</p>');
  });

  it('redirects with 302 by default, or the status given', async () => {
    const found = await fetch(answer('/redirect', () => new RedirectResponse('/elsewhere')), { redirect: 'manual' });
    expect(found.status).toBe(302);
    expect(found.headers.get('location')).toBe('/elsewhere');
    expect(found.headers.get('content-length')).toBe('0');
    const moved = await fetch(answer('/moved', () => new RedirectResponse('https://example.com/', { status: 301 })), { redirect: 'manual' });
    expect(moved.status).toBe(301);
  });

  it('refuses a redirect with a status that is not 3xx', () => {
    expect(() => new RedirectResponse('/x', { status: 200 })).toThrow(BackendtsError);
  });

  it('sends a base HttpResponse with bytes, and an empty one', async () => {
    const bytes = await fetch(answer('/bytes', () => new HttpResponse(new Uint8Array([1, 2, 3]), { status: 200 })));
    expect(Buffer.from(await bytes.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
    const empty = await fetch(answer('/empty', () => new HttpResponse(null, { status: 204 })));
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('can send the same response object twice, e.g. one kept in a constant', async () => {
    const kept = new TextResponse('same');
    const url = answer('/kept', () => kept);
    expect(await (await fetch(url)).text()).toBe('same');
    kept.body = 'changed body';
    const second = await fetch(url);
    expect(second.headers.get('content-length')).toBe(String('changed body'.length));
    expect(await second.text()).toBe('changed body');
  });

  it('streams a FileResponse with its length and a content type from its extension', async () => {
    const response = await fetch(answer('/file', () => new FileResponse(path.join(dir, 'big.bin'))));
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe(String(bigFile.length));
    expect(Buffer.from(await response.arrayBuffer()).equals(bigFile)).toBe(true);
    const page = await fetch(answer('/page', () => new FileResponse(path.join(dir, 'page.html'))));
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<h1>hi</h1>');
  });

  it('offers a FileResponse for download under the name given', async () => {
    const response = await fetch(answer('/download', () => new FileResponse(path.join(dir, 'page.html'), { downloadName: 'rapport é.html' })));
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="rapport _.html"; filename*=UTF-8''rapport%20%C3%A9.html`);
  });

  it('rejects with not_found before writing anything when the FileResponse is missing', async () => {
    const url = answer('/missing', () => new FileResponse(path.join(dir, 'nope.txt')));
    const response = await fetch(url);
    expect(response.status).toBe(599);
    const error = await outcomes.get('/missing');
    expect(error).toBeInstanceOf(ExceptionResponse);
    expect((error as ExceptionResponse).code).toBe('not_found');
  });

  it('rejects, and never throws, when node:http refuses a header value', async () => {
    const url = answer('/bad-header', () => new TextResponse('never sent', { headers: { 'x-broken': 'a\nb' } }));
    expect((await fetch(url)).status).toBe(599);
    expect(await outcomes.get('/bad-header')).toMatchObject({ code: 'ERR_INVALID_CHAR' });
  });

  it('keeps a FileResponse inside its root folder', async () => {
    const inside = await fetch(answer('/rooted', () => new FileResponse('page.html', { root: dir })));
    expect(await inside.text()).toBe('<h1>hi</h1>');
    const slash = await fetch(answer('/rooted-slash', () => new FileResponse('/page.html', { root: dir })));
    expect(await slash.text()).toBe('<h1>hi</h1>');
    const escape = path.relative(path.join(dir, 'sub'), path.join(dir, 'big.bin'));
    const outside = await fetch(answer('/escape', () => new FileResponse(escape, { root: path.join(dir, 'sub') })));
    expect(outside.status).toBe(599);
    expect((await outcomes.get('/escape')) as ExceptionResponse).toMatchObject({ code: 'not_found' });
    expect(new FileResponse('../x', { root: '/srv/static' }).insideRoot).toBe(false);
    expect(new FileResponse('a/../../static2/x', { root: '/srv/static' }).insideRoot).toBe(false);
    expect(new FileResponse('a/../b.txt', { root: '/srv/static' }).path).toBe('/srv/static/b.txt');
  });

  it('answers HEAD with headers and the length but no body', async () => {
    const text = await fetch(answer('/head-text', () => new TextResponse('twelve bytes')), { method: 'HEAD' });
    expect(text.headers.get('content-length')).toBe('12');
    expect(await text.text()).toBe('');
    const file = await fetch(answer('/head-file', () => new FileResponse(path.join(dir, 'big.bin'))), { method: 'HEAD' });
    expect(file.headers.get('content-length')).toBe(String(bigFile.length));
    expect(await file.text()).toBe('');
  });

  it('answers HEAD for a StreamResponse without reading it, and releases it', async () => {
    let released = false;
    let read = false;
    async function* body() {
      try {
        read = true;
        yield 'never sent';
      } finally {
        released = true;
      }
    }
    const generator = body();
    await generator.next().then(() => undefined, () => undefined);
    read = false;
    const response = await fetch(answer('/head-stream', () => new StreamResponse(generator)), { method: 'HEAD' });
    expect(await response.text()).toBe('');
    expect(read).toBe(false);
    expect(released).toBe(true);
    const readable = Readable.from(['x']);
    await fetch(answer('/head-readable', () => new StreamResponse(readable)), { method: 'HEAD' });
    expect(readable.destroyed).toBe(true);
  });

  it('sends no content-length with 204 and 304', async () => {
    const none = await fetch(answer('/no-content', () => new HttpResponse(null, { status: 204 })));
    expect(none.headers.get('content-length')).toBeNull();
    const notModified = await fetch(answer('/not-modified', () => new HttpResponse(null, { status: 304 })));
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('content-length')).toBeNull();
  });

  it('streams an async iterable and a Readable', async () => {
    async function* parts() {
      yield 'one,';
      yield Buffer.from('two,');
      yield new Uint8Array([116, 104, 114, 101, 101]);
    }
    const iterable = await fetch(answer('/stream', () => new StreamResponse(parts(), { contentType: 'text/csv' })));
    expect(iterable.headers.get('content-type')).toBe('text/csv');
    expect(iterable.headers.get('transfer-encoding')).toBe('chunked');
    expect(await iterable.text()).toBe('one,two,three');
    const readable = await fetch(answer('/readable', () => new StreamResponse(Readable.from(['a', 'b']))));
    expect(readable.headers.get('content-type')).toBe('application/octet-stream');
    expect(await readable.text()).toBe('ab');
  });

  it('rejects when the streamed body fails, and the client sees a cut response', async () => {
    async function* failing() {
      yield 'partial';
      throw new Error('source broke');
    }
    const url = answer('/broken', () => new StreamResponse(failing()));
    // Cut before or after the headers arrive, depending on timing; never a complete response.
    await expect(fetch(url).then((response) => response.text())).rejects.toThrow();
    expect(await outcomes.get('/broken')).toMatchObject({ message: 'source broke' });
  });

  it('rejects when the client goes away during the send', async () => {
    answer('/gone', (res) => {
      async function* slow() {
        yield 'first';
        // Continue only once the client has hung up, so the next write has no one to go to.
        await new Promise((resolve) => res.once('close', resolve));
        yield 'second';
      }
      return new StreamResponse(slow());
    });
    await new Promise<void>((resolve) => {
      const req = httpRequest(server.url + '/gone', (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.end();
    });
    while (!outcomes.has('/gone')) await new Promise((resolve) => setImmediate(resolve));
    const outcome = await outcomes.get('/gone');
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as NodeJS.ErrnoException).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });
});

describe('writeResponse after the client has gone', () => {
  it.each([
    ['TextResponse', () => new TextResponse('too late')],
    ['StreamResponse', () => new StreamResponse(Readable.from(['too', 'late']))],
  ])('rejects (and does not wait forever) for a %s', async (_, make) => {
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => (received = resolve));
    let outcome!: Promise<unknown>;
    const late = await serve(async (_req, res) => {
      const closed = new Promise((resolve) => res.once('close', resolve));
      received();
      await closed;
      outcome = writeResponse(res, make()).then(() => 'sent', (error: unknown) => error);
      await outcome;
    });
    const req = httpRequest(late.url + '/');
    req.on('error', () => undefined);
    req.end();
    await arrived;
    req.destroy();
    while (outcome === undefined) await new Promise((resolve) => setImmediate(resolve));
    expect(await outcome).toBeInstanceOf(Error);
    await late.close();
  });
});

describe('contentTypeFor', () => {
  it('guesses by extension, ignoring case, and falls back to octet-stream', () => {
    expect(contentTypeFor('a/b/c.JSON')).toBe('application/json; charset=utf-8');
    expect(contentTypeFor('logo.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('archive.unknownext')).toBe('application/octet-stream');
    expect(contentTypeFor('Makefile')).toBe('application/octet-stream');
  });
});
