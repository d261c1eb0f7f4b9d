/**
 * `writeResponse`: sends a response (`core/responses.ts`) to a node:http
 * ServerResponse, headers in one call; files and streams are piped.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExceptionResponse } from '../core/error-list.js';
import { FileResponse, type HttpResponse } from '../core/responses.js';

/** Options of {@link writeResponse}. */
export interface WriteResponseOptions {
  /** Answer a HEAD request: send the headers (with the length when known) and no body. */
  head?: boolean;
}

/**
 * Sends `response` to a node:http ServerResponse. Resolves once the whole
 * response is handed to the connection; rejects when the send fails (the
 * client went away, a streamed body failed, a `FileResponse` is missing, node:http
 * refused a header; it never throws). Sets `content-length` on the
 * response's headers for text and byte bodies.
 */
export function writeResponse(res: ServerResponse, response: HttpResponse, options?: WriteResponseOptions): Promise<void> {
  try {
    return startResponse(res, response, options) ?? SENT;
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Internal: `writeResponse` for the request path. Returns nothing when the
 * body was in memory and is sent (no promise to wait for), a promise for
 * streamed bodies and files; throws when node:http refuses the head.
 */
export function startResponse(res: ServerResponse, response: HttpResponse, options?: WriteResponseOptions): Promise<void> | undefined {
  // A response ended on a closed connection counts as finished in Node: check first.
  if (res.destroyed) return Promise.reject(clientGone());
  const head = options?.head === true;
  if (response instanceof FileResponse) return writeFile(res, response, head);
  const body = response.body;
  const headers = response.headers;
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    if (hasBody(response.status) && (body !== null || headers['content-length'] === undefined)) {
      headers['content-length'] = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    }
    res.writeHead(response.status, headers as OutgoingHttpHeaders);
    if (head || body === null) res.end();
    else res.end(body);
    // An in-memory body is handed to the connection whole by end(): waiting
    // for 'finish' as well costs more per request than everything else the
    // framework does. A client that leaves now is seen by the 'close' listener.
    return undefined;
  }
  res.writeHead(response.status, headers as OutgoingHttpHeaders);
  if (head) {
    discard(body);
    const sent = whenSent(res);
    res.end();
    return sent;
  }
  return pipeline(body, res);
}

async function writeFile(res: ServerResponse, response: FileResponse, head: boolean): Promise<void> {
  let size: number;
  try {
    if (!response.insideRoot) throw new Error('outside the root folder');
    const info = await stat(response.path);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    throw new ExceptionResponse('not_found', { message: 'The requested file was not found.' });
  }
  if (res.destroyed) throw clientGone();
  if (hasBody(response.status)) response.headers['content-length'] = size;
  res.writeHead(response.status, response.headers as OutgoingHttpHeaders);
  if (head) {
    const sent = whenSent(res);
    res.end();
    return sent;
  }
  return pipeline(createReadStream(response.path), res);
}

const SENT: Promise<void> = Promise.resolve();

/** False for statuses that never carry a body, and so no `content-length`. */
function hasBody(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 304;
}

/**
 * Resolves on `finish`, rejects on `close` before it. Two listeners, where
 * `stream.finished` adds several more.
 */
function whenSent(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const onFinish = () => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      res.off('finish', onFinish);
      reject(clientGone());
    };
    res.on('finish', onFinish);
    res.on('close', onClose);
  });
}

/** The error of a send cut short, with the code Node's streams use for it. */
function clientGone(): Error {
  return Object.assign(new Error('The connection closed before the response was sent.'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Releases a streamed body that a HEAD request will never read (an open file, a generator). */
function discard(body: AsyncIterable<Uint8Array | string> | Readable): void {
  if (typeof (body as Readable).destroy === 'function') (body as Readable).destroy();
  else void body[Symbol.asyncIterator]().return?.();
}
