/**
 * `bp.context.db_engine` and `db_session` are typed as always there; read
 * where they are not (no database wired, or before startup) they throw an
 * error that says what sets them, on PostgreSQL and on PGlite alike.
 */
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Backendts, parseConfig } from '../../runtime/index.js';
import { setDatabaseHooks } from '../../runtime/db/index.js';
import { recordingLogger } from '../runtime/support.js';
import { thrown } from '../support/thrown.js';
import { FIXTURES } from './support.js';

const projectDir = path.join(FIXTURES, 'in-code-config');
const databases = {
  postgres: 'url = postgres://postgres@127.0.0.1:5432/postgres',
  pglite: 'path = memory://',
};

let bp: Backendts | undefined;
afterEach(async () => {
  await bp?.close();
  bp = undefined;
});

function project(database: string): Backendts {
  const config = parseConfig(`[apps]\nactive =\n    apps/notes\n\n[database]\n${database}\n`, 'main.ts');
  bp = new Backendts({ projectDir, config, logger: recordingLogger() });
  return bp;
}

describe('the database keys of bp.context', () => {
  test('without setDatabaseHooks: reading either names the project and the call that wires the database', () => {
    const instance = project(databases.pglite);
    for (const read of [() => instance.context.db_session(), () => instance.context.db_engine]) {
      const error = thrown(read);
      expect(error.code).toBe('BT_CONTEXT_UNSET');
      expect(error.message).toContain(`is not set in ${projectDir}`);
      expect(error.hint).toContain('setDatabaseHooks(bp)');
    }
    // The other keys of the context stay the project's own.
    (instance.context as unknown as Record<string, unknown>).cache = 1;
    expect((instance.context as unknown as Record<string, unknown>).cache).toBe(1);
  });

  for (const [driver, database] of Object.entries(databases)) {
    test(`on ${driver}: before startup a clear error; in a startup handler registered after setDatabaseHooks, the engine`, async () => {
      const instance = project(database);
      setDatabaseHooks(instance);
      const error = thrown(() => instance.context.db_session());
      expect(error.code).toBe('BT_DB_NOT_STARTED');
      expect(error.message).toBe(`bp.context.db_session was read before ${projectDir} started: the database opens in the startup event`);
      expect(thrown(() => instance.context.db_engine).code).toBe('BT_DB_NOT_STARTED');
      const seen: string[] = [];
      instance.event('startup', () => {
        seen.push(instance.context.db_engine.driver);
      });
      await instance.start();
      expect(seen).toEqual([driver]);
      expect(Object.keys(instance.context)).toEqual(expect.arrayContaining(['db_engine', 'db_session']));
    });
  }
});
