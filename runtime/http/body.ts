/**
 * Reading a request's body, parsed by content type under a size limit.
 * Anything a client can get wrong ends as an `ExceptionResponse` (a 4xx),
 * never as a crash.
 */
import type { IncomingMessage } from 'node:http';
import { ExceptionResponse } from '../core/error-list.js';
import { BackendtsError } from '../core/errors.js';
import { parseQuery } from '../core/url.js';

/** Options of {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest body accepted, in bytes; a larger one is a `request_too_large` (413). */
  limit: number;
  /** The content type; defaults to the request's `Content-Type` header. */
  contentType?: string | undefined;
}

/** Body parsers by kind. */
type BodyKind = 'json' | 'form' | 'text' | 'bytes';

/** Charsets a text or JSON body may declare, as Buffer encodings. */
const CHARSETS: Readonly<Record<string, BufferEncoding>> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'us-ascii': 'ascii',
  ascii: 'ascii',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  'utf-16le': 'utf16le',
};

/**
 * Reads and parses a request body: JSON (`application/json`, `…+json`),
 * urlencoded forms (an object as `parseQuery` gives), text (`text/*`) or a
 * Buffer for any other type. Resolves to `undefined` when there is no body.
 * Rejects with an `ExceptionResponse`: `bad_request` for malformed JSON or
 * an incomplete body, `request_too_large` past `limit` (reading stops; the
 * error carries `connection: close`), `unsupported_media_type` for
 * multipart bodies, compressed bodies and unknown charsets.
 */
export async function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<unknown> {
  if (req.readableEnded || req.readableFlowing) {
    throw new BackendtsError('BT_BODY_READ', `The body of ${req.method} ${req.url} is already being read`, {
      hint: 'read a request body once; the parsed body is on request.body',
    });
  }
  const headers = req.headers;
  const lengthHeader = headers['content-length'];
  if (lengthHeader === undefined && headers['transfer-encoding'] === undefined) return undefined;
  if (lengthHeader !== undefined) {
    const declared = Number(lengthHeader);
    if (declared === 0) return undefined;
    if (declared > options.limit) throw tooLarge(options.limit);
  }
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw new ExceptionResponse('unsupported_media_type', { message: `Compressed request bodies (${encoding}) are not accepted.` });
  }
  const contentType = options.contentType ?? headers['content-type'] ?? '';
  const kind = bodyKind(contentType);
  const charset = kind === 'bytes' ? 'utf8' : bodyCharset(contentType);
  const raw = await readRaw(req, options.limit);
  if (raw.length === 0) return undefined;
  switch (kind) {
    case 'json':
      return parseJson(raw.toString(charset));
    case 'form':
      return parseQuery(raw.toString(charset));
    case 'text':
      return raw.toString(charset);
    case 'bytes':
      return raw;
  }
}

function bodyKind(contentType: string): BodyKind {
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type.startsWith('text/')) return 'text';
  if (type.startsWith('multipart/')) {
    throw new ExceptionResponse('unsupported_media_type', { message: `Request bodies of type ${type} are not accepted.` });
  }
  return 'bytes';
}

function bodyCharset(contentType: string): BufferEncoding {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  if (match === null) return 'utf8';
  const charset = CHARSETS[match[1]!.toLowerCase()];
  if (charset === undefined) {
    throw new ExceptionResponse('unsupported_media_type', { message: `The charset ${match[1]} is not supported; send UTF-8.` });
  }
  return charset;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ExceptionResponse('bad_request', { message: `Malformed JSON body: ${(error as Error).message}` });
  }
}

function tooLarge(limit: number): ExceptionResponse {
  // The rest of the body stays unread, so the connection cannot be reused.
  return new ExceptionResponse('request_too_large', {
    message: `The request body is larger than ${limit} bytes.`,
    headers: { connection: 'close' },
  });
}

/** Reads the body into one Buffer, stopping (and pausing the socket) as soon as it passes `limit`. */
function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ExceptionResponse('bad_request', { message: 'The request body was not received completely.', cause: error }));
    };
    const onClose = () => {
      if (req.complete) return;
      cleanup();
      reject(new ExceptionResponse('bad_request', { message: 'The request body was not received completely.' }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
