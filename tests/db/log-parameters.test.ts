/**
 * SQL parameter values stay out of the logs (they may hold passwords and
 * e-mails) unless `[database] log_parameters = true`, on PostgreSQL and PGlite.
 */
import { inspect } from 'node:util';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backendts, type Logger } from '../../runtime/index.js';
import { formatError } from '../../runtime/core/errors.js';
import { setDatabaseHooks } from '../../runtime/db/index.js';
import { logInto } from '../support/log-call.js';
import { redactParameters } from '../../runtime/core/redact.js';
import { call, createTestDatabase, databaseSection, FIXTURES, SHOP_SCHEMA, tag, type TestDatabase } from './support.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

/** Everything given to the logger, as text, looked at deeply. */
function capturingLogger(): Logger & { text(): string } {
  const logged: unknown[] = [];
  return {
    error: logInto(({ message, error }) => void logged.push(message, error)),
    warn: logInto(({ message }) => void logged.push(message)),
    info: logInto(({ message }) => void logged.push(message)),
    text: () => logged.map((item) => (typeof item === 'string' ? item : inspect(item, { depth: Infinity, showHidden: true }))).join('\n'),
  };
}

/** Serves the shop with echo on (postgres.js then keeps parameters on its errors) and a capturing logger. */
async function shop(driver: 'postgres' | 'pglite', extra: Record<string, string>) {
  const logger = capturingLogger();
  const bp = new Backendts({
    projectDir: path.join(FIXTURES, 'shop'),
    config: { apps: { active: ['apps/store'] }, database: databaseSection(driver, database.name, { echo: 'true', ...extra }) },
    logger,
  });
  setDatabaseHooks(bp, { log: () => {} });
  bp.event('startup', async () => {
    const engine = bp.context.db_engine;
    if (engine.driver === 'postgres') await engine.client.unsafe(`drop table if exists stock, codes, notes, users; ${SHOP_SCHEMA}`);
    else await engine.client.exec(SHOP_SCHEMA);
  });
  const { url } = await bp.listen({ port: 0, signals: false });
  return { bp, url, logger };
}

describe.each(['postgres', 'pglite'] as const)('a failed query on %s', (driver) => {
  it('logs no parameter value by default', async () => {
    const served = await shop(driver, {});
    try {
      // Longer than the column's 50 characters: a server error, logged.
      const marker = tag('secret-marker').padEnd(60, 'x');
      expect((await call(`${served.url}/users`, 'POST', { username: marker })).status).toBe(500);
      const text = served.logger.text();
      expect(text).toContain('value too long for type character varying(50)');
      expect(text).toContain('Failed query: insert into "users"');
      expect(text).not.toContain(marker);
    } finally {
      await served.bp.close();
    }
  });

  it('logs the parameter values with log_parameters = true', async () => {
    const served = await shop(driver, { log_parameters: 'true' });
    try {
      const marker = tag('shown-marker').padEnd(60, 'x');
      expect((await call(`${served.url}/users`, 'POST', { username: marker })).status).toBe(500);
      expect(served.logger.text()).toContain(marker);
    } finally {
      await served.bp.close();
    }
  });
});

describe('formatError', () => {
  it('prints a failed query without its parameters, even with --debug, and leaves the error as it was', async () => {
    const served = await shop('pglite', {});
    try {
      const marker = tag('cli-marker');
      const { users } = await import('../../fixtures/db/shop/apps/store/db/models.js');
      const db = served.bp.context.db_engine.db;
      await db.insert(users).values({ username: marker });
      const error = await db.insert(users).values({ username: marker }).then(() => undefined, (thrown: unknown) => thrown);
      expect(formatError(error, true)).not.toContain(marker);
      expect(formatError(error, false)).toContain('Failed query');
      expect(inspect(error, { depth: Infinity })).toContain(marker);
    } finally {
      await served.bp.close();
    }
  });

  it.each(['postgres', 'pglite'] as const)('hides the values PostgreSQL quotes in an error of its own (%s)', async (driver) => {
    const served = await shop(driver, {});
    try {
      const marker = tag('json-marker');
      const engine = served.bp.context.db_engine;
      const broken = `{"password": "${marker}`;
      const error = await (engine.driver === 'postgres' ? engine.client`select ${broken}::jsonb` : engine.client.query('select $1::jsonb', [broken])).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(inspect(error, { depth: Infinity })).toContain(marker);
      const redacted = redactParameters(error);
      expect(redacted).toBeInstanceOf((error as object).constructor);
      expect(redacted).toMatchObject({ code: '22P02', message: (error as Error).message });
      expect(inspect(redacted, { depth: Infinity, showHidden: true })).not.toContain(marker);
    } finally {
      await served.bp.close();
    }
  });

  it('refuses a log_parameters value that is not yes or no, naming it', () => {
    expect(() => new Backendts({ projectDir: path.join(FIXTURES, 'shop'), config: { database: { log_parameters: 'maybe' } } })).toThrow(
      /\[database\] log_parameters: "maybe" is not a yes\/no value/,
    );
  });
});
