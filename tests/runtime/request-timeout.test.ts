/**
 * `[networking] request_timeout` and `headers_timeout` over a real socket: a
 * client that trickles its request slower than the limit is answered 408
 * and cut off within it, instead of being held for Node's 300 s.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../runtime/index.js';
import { project } from './support.js';

/** What a raw client got: the text received, and how long until the server closed the socket. */
interface Cut {
  text: string;
  afterMs: number;
}

/** Sends `head`, then one byte every `everyMs` ms, until the server closes the connection. */
function trickle(port: number, head: string, everyMs: number): Promise<Cut> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('connect', () => {
      socket.write(head);
      timer = setInterval(() => socket.writable && socket.write('x'), everyMs);
    });
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ text, afterMs: performance.now() - started });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // A write racing the close; the close still reports what was received.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    setTimeout(() => socket.destroy(new Error('the server never closed the connection')), 15_000).unref();
  });
}

async function serve(networking: string) {
  const config = parseConfig(`[networking]\n${networking}\n[apps]\nactive =\n    apps/first\n`, 'config.ini');
  const { bp } = project('basic', { config });
  const { port } = await bp.listen({ port: 0, signals: false });
  return { bp, port };
}

describe('[networking] request_timeout', () => {
  it('answers 408 and closes when the body arrives slower than the limit', async () => {
    const { bp, port } = await serve('request_timeout = 1\nheaders_timeout = 1');
    try {
      const head = 'POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n';
      const cut = await trickle(port, head, 100);
      expect(cut.text).toMatch(/^HTTP\/1\.1 408/);
      // The limit, plus at most the one-second check interval and some slack.
      expect(cut.afterMs).toBeGreaterThanOrEqual(900);
      expect(cut.afterMs).toBeLessThan(3500);
    } finally {
      await bp.close();
    }
  });
});

describe('[networking] headers_timeout', () => {
  it('answers 408 and closes when the headers arrive slower than the limit', async () => {
    const { bp, port } = await serve('request_timeout = 10\nheaders_timeout = 1');
    try {
      const cut = await trickle(port, 'GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 100);
      expect(cut.text).toMatch(/^HTTP\/1\.1 408/);
      expect(cut.afterMs).toBeLessThan(3500);
    } finally {
      await bp.close();
    }
  });
});
