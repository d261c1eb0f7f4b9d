/**
 * The test PgBouncer's start when its random port is already held by
 * another program that accepts connections but never answers (another
 * test's server): the start must move on to another port, not wait on that
 * program (it hung a whole test file's setup until its hook timed out).
 */
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { pgbouncerMissing } from '../../tools/postgres/pgbouncer.js';

const ports: number[] = [];
vi.mock('../../tools/postgres/ports.js', () => ({ randomServerPort: () => ports.shift() ?? 24_567 }));

const missing = pgbouncerMissing();

describe.skipIf(missing !== undefined)(missing ?? 'the test PgBouncer on a taken port', () => {
  let silent: Server | undefined;
  afterAll(() => silent?.close());

  it('starts on the next port instead of waiting on the program that holds the first', async () => {
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const taken = (silent.address() as { port: number }).port;
    ports.push(taken, 24_567);
    const { startPgbouncer } = await import('../../tools/postgres/pgbouncer.js');
    const bouncer = await startPgbouncer();
    try {
      expect(bouncer.port).toBe(24_567);
    } finally {
      await bouncer.stop();
    }
  }, 30_000);
});
