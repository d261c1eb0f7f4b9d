import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { generate } from '../../codegen/index.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { copyFixture, type FixtureCopy } from './fixture-copy.js';

interface Case {
  fixture: string;
  code: string;
  /** Fragments the message must contain: the app and the file at fault. */
  mentions: string[];
}

const cases: Case[] = [
  {
    fixture: 'duplicate-table-across-apps',
    code: 'BT_DUPLICATE_TABLE',
    mentions: ['table "public.users"', 'app "accounts"', 'apps/accounts/db/models.ts', 'app "crm"', 'apps/crm/db/models.ts'],
  },
  {
    fixture: 'duplicate-table-in-app',
    code: 'BT_DUPLICATE_TABLE_IN_APP',
    mentions: ['app "accounts" defines table "public.users" twice', 'apps/accounts/db/users.ts', 'apps/accounts/db/people.ts'],
  },
  {
    fixture: 'model-import-fails',
    code: 'BT_MODEL_IMPORT',
    mentions: ['app "accounts"', 'apps/accounts/db/models.ts failed to import', 'prefix'],
  },
  {
    fixture: 'model-exports-nothing',
    code: 'BT_MODEL_EMPTY',
    mentions: ['app "accounts"', 'apps/accounts/db/models.ts exports no Drizzle object'],
  },
  { fixture: 'missing-app-folder', code: 'BT_APP_MISSING', mentions: ['app "apps/ghost"', 'config.ini'] },
  { fixture: 'missing-app-package', code: 'BT_APP_MISSING', mentions: ['app "backendts-app-not-installed"', 'installed package'] },
  { fixture: 'app-without-export', code: 'BT_APP_EXPORT', mentions: ['app "apps/accounts"', 'main.ts does not export `app`'] },
  {
    fixture: 'models-entry-not-string',
    code: 'BT_MODELS_ENTRY_INVALID',
    mentions: ['app "accounts"', 'models entry #1 in apps/accounts/main.js is an object'],
  },
  {
    fixture: 'models-path-missing',
    code: 'BT_MODELS_MISSING',
    mentions: ['app "accounts"', '"./db/modelz"', 'apps/accounts/main.ts', 'apps/accounts/db/modelz.ts'],
  },
  {
    fixture: 'models-package-missing',
    code: 'BT_MODELS_MISSING',
    mentions: ['app "accounts"', '"backendts-models-not-installed/tables"', "Cannot find package 'backendts-models-not-installed'"],
  },
  {
    fixture: 'export-name-clash',
    code: 'BT_EXPORT_NAME_CLASH',
    mentions: ['app "accounts" exports two different objects named "users"', 'apps/accounts/db/users.ts', 'apps/accounts/db/admins.ts'],
  },
];

let copy: FixtureCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

describe('generate refuses a broken project, names the app and file, and writes nothing', () => {
  test.each(cases)('$fixture fails with $code', async ({ fixture, code, mentions }) => {
    copy = copyFixture(`errors/${fixture}`);
    const error = await generate({ projectDir: copy.dir }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BackendtsError);
    const { code: actual, message, hint } = error as BackendtsError;
    expect(actual).toBe(code);
    for (const fragment of mentions) expect(message).toContain(fragment);
    expect(hint).toBeTruthy();
    expect(existsSync(path.join(copy.dir, '.backendts'))).toBe(false);
  });

  test('a failed import keeps the module\'s own error as the cause, for --debug', async () => {
    copy = copyFixture('errors/model-import-fails');
    const error = (await generate({ projectDir: copy.dir }).catch((caught: unknown) => caught)) as BackendtsError;
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).stack).toContain('models.ts');
  });
});
