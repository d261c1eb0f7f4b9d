/**
 * Two connected ends of an in-memory connection: what one end writes, the
 * other reads. node:http serves one end as it would a socket (a server
 * accepts any Duplex as a connection) and its client speaks through the
 * other, so a request goes through the whole of node:http with no port.
 */
import { Duplex } from 'node:stream';

/** One end of the pair, with the socket methods node:http calls. */
class End extends Duplex {
  other: End | undefined;
  /** Read by code that logs the client's address. */
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 0;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.other?.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.other?.push(null);
    callback();
  }

  override _read(): void {}

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A connection closed at one end is closed at both, as a socket is.
    if (this.other !== undefined && !this.other.destroyed) this.other.destroy();
    callback(error);
  }

  setTimeout(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

/** A connected pair: `[client end, server end]`. */
export function connectionPair(): [Duplex, Duplex] {
  const client = new End();
  const server = new End();
  client.other = server;
  server.other = client;
  return [client, server];
}
