/**
 * Response classes a handler returns: data (a status, headers, a body), sent
 * by `http/write-response.ts`. This is on every request's path: bodies are
 * serialised once, at construction.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BackendtsError } from './errors.js';

/** A header value: text, a number, or several values (e.g. `set-cookie`). */
export type HeaderValue = string | number | readonly string[];

/** Response headers, by lower-case name. */
export type ResponseHeaders = Record<string, HeaderValue>;

/** What a response body may be: sent as is, or streamed. */
export type ResponseBody = string | Uint8Array | AsyncIterable<Uint8Array | string> | Readable | null;

/** Options every response class takes. */
export interface ResponseOptions {
  /** HTTP status; each class has its own default (200, 302 for `RedirectResponse`). */
  status?: number;
  /** Extra headers; names are stored in lower case. */
  headers?: Record<string, HeaderValue>;
}

const TEXT_TYPE = 'text/plain; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const OCTET_TYPE = 'application/octet-stream';

/** Base response: a status, headers and a body. Any subclass can be returned by a handler. */
export class HttpResponse {
  /** HTTP status code. */
  status: number;
  /** Headers by lower-case name. */
  headers: ResponseHeaders;
  /** The body: text, bytes, a stream or nothing. */
  body: ResponseBody;

  constructor(body: ResponseBody = null, options: ResponseOptions = {}, contentType?: string) {
    this.status = options.status ?? 200;
    this.headers = buildHeaders(contentType, options.headers);
    this.body = body;
  }
}

/** A plain-text response (`text/plain; charset=utf-8`). */
export class TextResponse extends HttpResponse {
  constructor(text: string, options: ResponseOptions = {}) {
    super(text, options, TEXT_TYPE);
  }
}

/** An HTML response (`text/html; charset=utf-8`). */
export class HtmlResponse extends HttpResponse {
  constructor(html: string, options: ResponseOptions = {}) {
    super(html, options, HTML_TYPE);
  }
}

/** A JSON response; `data` is serialised once, when the response is made. */
export class JsonResponse extends HttpResponse {
  /** The value sent, as given. */
  readonly data: unknown;

  constructor(data: unknown, options: ResponseOptions = {}) {
    // JSON.stringify(undefined) is undefined, which is not a JSON document.
    super(JSON.stringify(data) ?? 'null', options, JSON_TYPE);
    this.data = data;
  }
}

/** Options of {@link Success}. */
export interface SuccessOptions extends ResponseOptions {
  /** A human-readable message sent beside the data. */
  message?: string;
}

/** The success envelope: JSON `{ "status": "success", "message"?: …, "data": … }`. */
export class Success extends JsonResponse {
  constructor(data: unknown = null, options: SuccessOptions = {}) {
    super(
      options.message === undefined
        ? { status: 'success', data }
        : { status: 'success', message: options.message, data },
      options,
    );
  }
}

/** A redirect to `location` (302 by default; pass `status` for 301, 303, 307 or 308). */
export class RedirectResponse extends HttpResponse {
  constructor(location: string, options: ResponseOptions = {}) {
    const status = options.status ?? 302;
    if (status < 300 || status > 399) {
      throw new BackendtsError('BT_REDIRECT_STATUS', `A redirect to "${location}" has status ${status}, which is not a redirect`, {
        hint: 'use a 3xx status: 301, 302, 303, 307 or 308',
      });
    }
    super(null, { ...options, status }, undefined);
    this.headers.location = location;
  }
}

/** Options of {@link FileResponse}. */
export interface FileResponseOptions extends ResponseOptions {
  /** Content type; guessed from the file's extension when omitted. */
  contentType?: string;
  /** When set, the browser saves the file under this name (`content-disposition: attachment`). */
  downloadName?: string;
  /**
   * A folder the file must be inside: the path is resolved against it, and a
   * path that leads out of it (`../secret`) is answered `not_found`. Use it
   * whenever the path comes from the request.
   */
  root?: string;
}

/**
 * A file on disk, streamed. The file is opened when the response is sent; a
 * missing file is answered `not_found` before anything is written.
 */
export class FileResponse extends HttpResponse {
  /** Path of the file on disk (resolved against `root` when one is given). */
  readonly path: string;
  /** False when the path leads out of `root`: the file is then never opened. */
  readonly insideRoot: boolean;

  constructor(filePath: string, options: FileResponseOptions = {}) {
    super(null, options, options.contentType ?? contentTypeFor(filePath));
    if (options.root === undefined) {
      this.path = filePath;
      this.insideRoot = true;
    } else {
      const root = path.resolve(options.root);
      this.path = path.resolve(root, filePath.replace(/^[/\\]+/, ''));
      this.insideRoot = this.path.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
    }
    if (options.downloadName !== undefined) {
      this.headers['content-disposition'] = contentDisposition(options.downloadName);
    }
  }
}

/** Options of {@link StreamResponse}. */
export interface StreamResponseOptions extends ResponseOptions {
  /** Content type; `application/octet-stream` when omitted. */
  contentType?: string;
}

/** A streamed body: any async iterable of strings or bytes, or a Readable. */
export class StreamResponse extends HttpResponse {
  constructor(body: AsyncIterable<Uint8Array | string> | Readable, options: StreamResponseOptions = {}) {
    super(body, options, options.contentType ?? OCTET_TYPE);
  }
}

function buildHeaders(contentType: string | undefined, extra: Record<string, HeaderValue> | undefined): ResponseHeaders {
  const headers: ResponseHeaders = {};
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (extra !== undefined) {
    for (const name in extra) {
      const value = extra[name];
      if (value !== undefined) headers[name.toLowerCase()] = value;
    }
  }
  return headers;
}

/** Content types by file extension, for `FileResponse`. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': HTML_TYPE,
  '.htm': HTML_TYPE,
  '.txt': TEXT_TYPE,
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': JSON_TYPE,
  '.map': JSON_TYPE,
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

/** The content type `FileResponse` sends for a path (by extension; `application/octet-stream` when unknown). */
export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? OCTET_TYPE;
}

function contentDisposition(name: string): string {
  // An ASCII fallback for old clients, and the exact name per RFC 6266 / 5987.
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
