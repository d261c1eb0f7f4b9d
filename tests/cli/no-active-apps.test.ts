/**
 * A project whose `[apps] active` is missing or empty (e.g. written `actve`)
 * is refused by codegen, create_db and run, naming config.ini and the
 * setting, before anything is collected, connected or served.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codegen } from '../../cli/commands/codegen.js';
import { createDb } from '../../cli/commands/create-db.js';
import { run } from '../../cli/commands/run.js';
import { createOutput } from '../../cli/output.js';
import { FIXTURES } from '../runtime/support.js';

const projectDir = path.join(path.dirname(FIXTURES), 'cli', 'no-apps');
const output = createOutput();
const refusal = (file: string) =>
  expect.objectContaining({
    code: 'BT_APPS_NONE',
    message: `${path.join(projectDir, file)} [apps] active lists no app`,
    hint: expect.stringContaining('[apps] active'),
  });

describe('no active app', () => {
  it('codegen refuses a config.ini without [apps]', async () => {
    await expect(codegen({ projectDir, env: undefined }, {}, output)).rejects.toThrow(refusal('config.ini'));
  });

  it('create_db refuses an empty [apps] active', async () => {
    await expect(createDb({ projectDir, env: 'empty' }, {}, output)).rejects.toThrow(refusal('config.empty.ini'));
  });

  it('run refuses to serve no app', async () => {
    await expect(run({ projectDir, env: undefined }, {}, output)).rejects.toThrow(refusal('config.ini'));
  });

  it('run --workers refuses before forking a worker', async () => {
    await expect(run({ projectDir, env: undefined }, { workers: '2' }, output)).rejects.toThrow(refusal('config.ini'));
  });
});
