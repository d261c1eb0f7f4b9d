/**
 * A project made with its config in code (`new Backendts({ config })`)
 * gets its database schema from the apps that config lists, whatever
 * config file is on disk, or when there is none.
 */
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Backendts, parseConfig } from '../../runtime/index.js';
import { setDatabaseHooks } from '../../runtime/db/index.js';
import { recordingLogger } from '../runtime/support.js';
import { FIXTURES } from './support.js';

const projectDir = path.join(FIXTURES, 'in-code-config');
// The server's maintenance database: the engine only checks that it answers.
const inCode = parseConfig('[apps]\nactive =\n    apps/notes\n\n[database]\nurl = postgres://postgres@127.0.0.1:5432/postgres\n', 'main.ts');

let bp: Backendts | undefined;
afterEach(async () => {
  await bp?.close();
  bp = undefined;
});

async function start(env: string | undefined): Promise<Backendts> {
  bp = new Backendts({ projectDir, config: inCode, logger: recordingLogger(), ...(env !== undefined && { env }) });
  setDatabaseHooks(bp);
  await bp.start();
  return bp;
}

describe('setDatabaseHooks with the config given in code', () => {
  test('starts with no config file on disk, with the schema of the apps the config lists', async () => {
    const started = await start(undefined);
    expect(Object.keys(started.context.db_engine.schema)).toEqual(['notes']);
  });

  test('takes the schema from the in-code config, not from the config file on disk', async () => {
    const started = await start('tags');
    expect(started.configFile).toContain('config.tags.ini');
    expect(started.apps.map((app) => app.name)).toEqual(['notes']);
    expect(Object.keys(started.context.db_engine.schema)).toEqual(['notes']);
  });
});
