/**
 * What a request is told while the server cannot be reached: a wait bounded
 * by connect_timeout that ends in BT_DB_UNREACHABLE (host, port, database,
 * never the password) rather than a busy pool, and one log line per change.
 */
import { describe, expect, it } from 'vitest';
import { Availability } from '../../runtime/db/availability.js';
import { reconnectBackoff, type DbEngine } from '../../runtime/db/engine.js';
import { asServiceUnavailable } from '../../runtime/db/faults.js';
import { readDatabaseSettings } from '../../runtime/db/settings.js';
import { openTransaction } from '../../runtime/db/transaction.js';
import { formatError } from '../../runtime/core/errors.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6543'), { code: 'ECONNREFUSED' });

function recorder() {
  const lines: string[] = [];
  return { lines, error: (message: string) => lines.push(`error ${message}`), info: (message: string) => lines.push(`info ${message}`) };
}

/** An engine whose pool never hands out a connection (every one is stuck reconnecting). */
function stuckEngine(availability: Availability): DbEngine {
  const settings = readDatabaseSettings(
    { database: { host: '127.0.0.1', port: '6543', name: 'shop_db', password: 'hunter2-secret', connect_timeout: '200ms', pool_timeout: '30' } },
    { projectDir: '/tmp' },
  );
  return { driver: 'postgres', settings, availability, client: { begin: () => new Promise(() => {}) } } as unknown as DbEngine;
}

describe('a pool timeout while connections fail', () => {
  it('comes within connect_timeout and says the database is unreachable, not that the pool is busy', async () => {
    const logger = recorder();
    const availability = new Availability('PostgreSQL database "shop_db" on 127.0.0.1:6543', logger);
    availability.attempt().failed(refused);
    const engine = stuckEngine(availability);
    const started = performance.now();
    const error = await openTransaction(engine, { isolationLevel: 'read committed', readOnly: false, waitTimeout: 30 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ code: 'BT_DB_UNREACHABLE' });
    const printed = formatError(error);
    expect(printed).toContain('"shop_db" on 127.0.0.1:6543');
    expect(printed).toContain('ECONNREFUSED');
    expect(printed).not.toMatch(/busy|pool_size/);
    expect(printed).not.toContain('hunter2');
    expect(asServiceUnavailable(error)).toMatchObject({ code: 'service_unavailable' });
  });

  it('still blames a busy pool when connections are not failing', async () => {
    const availability = new Availability('PostgreSQL database "shop_db" on 127.0.0.1:6543', recorder());
    const engine = stuckEngine(availability);
    const error = await openTransaction(engine, { isolationLevel: 'read committed', readOnly: false, waitTimeout: 0.1 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'BT_DB_POOL_TIMEOUT', message: expect.stringContaining('busy') });
  });
});

describe('Availability', () => {
  it('logs the first failure and the first success after it, once each, and ignores outcomes of attempts begun before a change', () => {
    const logger = recorder();
    const availability = new Availability('PostgreSQL database "shop_db" on 127.0.0.1:6543', logger);
    const beforeOutage = availability.attempt();
    availability.attempt().succeeded();
    const first = availability.attempt();
    first.failed(refused);
    availability.attempt().failed(refused);
    // Began before the outage, answered during it: not a recovery.
    beforeOutage.succeeded();
    expect(availability.down).toBe(true);
    const failedLate = availability.attempt();
    availability.attempt().succeeded();
    // Began during the outage, failed after the recovery: not a new outage.
    failedLate.failed(refused);
    availability.attempt().succeeded();
    expect(availability.down).toBe(false);
    expect(logger.lines).toEqual([
      expect.stringMatching(/^error backendts: the PostgreSQL database "shop_db" on 127\.0\.0\.1:6543 is unreachable \(connect ECONNREFUSED/),
      expect.stringMatching(/^info backendts: the PostgreSQL database "shop_db" on 127\.0\.0\.1:6543 is reachable again \(recovered after \d+\.\d s\)$/),
    ]);
  });
});

describe('reconnect_delay', () => {
  it('bounds the wait between reconnect attempts (500 ms unless set), however many connections failed', () => {
    const section = { host: '127.0.0.1', name: 'shop_db' };
    expect(readDatabaseSettings({ database: section }, { projectDir: '/tmp' }).reconnectDelay).toBe(0.5);
    const settings = readDatabaseSettings({ database: { ...section, reconnect_delay: '200ms' } }, { projectDir: '/tmp' });
    expect(settings.reconnectDelay).toBe(0.2);
    const backoff = reconnectBackoff(settings.reconnectDelay);
    expect(backoff(0)).toBeLessThanOrEqual(0.01);
    for (const retries of [1, 5, 10, 50, 1000]) expect(backoff(retries)).toBeLessThanOrEqual(0.2);
  });
});
