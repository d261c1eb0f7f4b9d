/**
 * Less common mistakes, each in a small project written into a temporary
 * folder: clashing SQL names of other kinds than tables, a model module
 * listed twice, a default export, and a prefixed name that meets an export.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { collectSchema } from '../../codegen/index.js';
import { repoRoot } from './fixture-copy.js';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** Writes a project: each app gets main.ts listing `models`, plus the given model files. */
function project(apps: Record<string, { models: string[]; files: Record<string, string> }>): string {
  root = mkdtempSync(path.join(os.tmpdir(), 'backendts-naming-'));
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  writeFileSync(path.join(root, 'config.ini'), `[apps]\nactive =\n${Object.keys(apps).map((name) => `    apps/${name}\n`).join('')}`);
  for (const [name, app] of Object.entries(apps)) {
    const dir = path.join(root, 'apps', name);
    mkdirSync(path.join(dir, 'db'), { recursive: true });
    writeFileSync(path.join(dir, 'main.ts'), `import { App } from 'backendts';\nexport const app = new App({ models: ${JSON.stringify(app.models)} });\n`);
    for (const [file, text] of Object.entries(app.files)) {
      writeFileSync(path.join(dir, file), `import { integer, pgEnum, pgTable, pgView } from 'drizzle-orm/pg-core';\n${text}\n`);
    }
  }
  return root;
}

const table = (exportName: string, sqlName: string) => `export const ${exportName} = pgTable('${sqlName}', { id: integer('id').primaryKey() });`;

describe('collectSchema refuses names that would clash', () => {
  test('two apps defining one enum type', async () => {
    const dir = project({
      billing: { models: ['./db/models'], files: { 'db/models.ts': "export const status = pgEnum('status', ['open', 'paid']);" } },
      shipping: { models: ['./db/models'], files: { 'db/models.ts': "export const state = pgEnum('status', ['sent']);" } },
    });
    await expect(collectSchema({ projectDir: dir })).rejects.toMatchObject({
      code: 'BT_DUPLICATE_SQL_NAME',
      message: expect.stringContaining('enum "public.status" is defined by two apps: app "billing" in apps/billing/db/models.ts'),
    });
  });

  test('a view taking the name of another app\'s table', async () => {
    const dir = project({
      accounts: { models: ['./db/models'], files: { 'db/models.ts': table('users', 'users') } },
      reports: {
        models: ['./db/models'],
        files: { 'db/models.ts': "export const activeUsers = pgView('users', { id: integer('id') }).existing();" },
      },
    });
    await expect(collectSchema({ projectDir: dir })).rejects.toMatchObject({
      code: 'BT_DUPLICATE_SQL_NAME',
      message: expect.stringContaining('app "reports" in apps/reports/db/models.ts (export activeUsers, a view)'),
    });
  });

  test('one model module listed by two apps', async () => {
    const dir = project({
      accounts: { models: ['./db/models'], files: { 'db/models.ts': table('users', 'users') } },
      admin: { models: ['../accounts/db/models'], files: {} },
    });
    await expect(collectSchema({ projectDir: dir })).rejects.toMatchObject({
      code: 'BT_MODELS_DUPLICATE',
      message: 'model module apps/accounts/db/models.ts is listed by both app "accounts" and app "admin"',
    });
  });

  test('a table exported as default', async () => {
    const dir = project({ accounts: { models: ['./db/models'], files: { 'db/models.ts': "export default pgTable('users', { id: integer('id') });" } } });
    await expect(collectSchema({ projectDir: dir })).rejects.toMatchObject({
      code: 'BT_MODEL_DEFAULT_EXPORT',
      message: 'app "accounts": model module apps/accounts/db/models.ts exports a Drizzle table as default',
    });
  });

  test('an app prefix producing a name another app already exports', async () => {
    const dir = project({
      blog: { models: ['./db/models'], files: { 'db/models.ts': table('posts', 'blog_posts') } },
      forum: { models: ['./db/models'], files: { 'db/models.ts': `${table('posts', 'forum_posts')}\n${table('blog_posts', 'forum_blog_posts')}` } },
    });
    await expect(collectSchema({ projectDir: dir })).rejects.toMatchObject({
      code: 'BT_EXPORT_NAME_CLASH',
      message: expect.stringContaining('the schema name "blog_posts" is taken twice'),
    });
  });
});

describe('collectSchema refuses SQL names over 63 bytes (PostgreSQL would truncate them)', () => {
  const longTable = 'customer_subscription_billing_history_entries';
  const longColumn = 'billing_account_reference_identifier';

  test('a generated foreign-key name, naming app, file, table, name and the fix', async () => {
    const dir = project({
      accounts: { models: ['./db/models'], files: { 'db/models.ts': table('accounts', 'billing_accounts') } },
      billing: {
        models: ['./db/models'],
        files: {
          'db/models.ts':
            "import { accounts } from '../../accounts/db/models.js';\n" +
            `export const entries = pgTable('${longTable}', { id: integer('id').primaryKey(), ${longColumn}: integer('${longColumn}').references(() => accounts.id) });`,
        },
      },
    });
    const fk = `${longTable}_${longColumn}_billing_accounts_id_fk`;
    const error = await collectSchema({ projectDir: dir }).then(
      () => undefined,
      (caught: unknown) => caught as { code: string; message: string; hint: string },
    );
    expect(error?.code).toBe('BT_IDENTIFIER_TOO_LONG');
    expect(error?.message).toContain(
      `app "billing", apps/billing/db/models.ts, table "${longTable}": foreign key "${fk}" is ${fk.length} bytes; name it: foreignKey({ name: '...'`,
    );
    expect(error?.hint).toContain('at most 63 bytes');
  });

  test('every long name at once: generated unique and index names, and a long column name', async () => {
    const column = 'x'.repeat(64);
    const dir = project({
      shop: {
        models: ['./db/models'],
        files: {
          'db/models.ts':
            "import { index, unique } from 'drizzle-orm/pg-core';\n" +
            `export const entries = pgTable('${longTable}', { id: integer('id').generatedAlwaysAsIdentity(), ${longColumn}: integer('${longColumn}').unique(), wide: integer('${column}') },` +
            ` (t) => [index().on(t.${longColumn}), unique().on(t.id, t.${longColumn})]);`,
        },
      },
    });
    const error = await collectSchema({ projectDir: dir }).then(
      () => undefined,
      (caught: unknown) => caught as { code: string; message: string },
    );
    expect(error?.code).toBe('BT_IDENTIFIER_TOO_LONG');
    expect(error?.message).toMatch(/^4 SQL names are longer than PostgreSQL's 63 bytes/);
    for (const part of [
      `unique constraint "${longTable}_${longColumn}_unique"`,
      `index "${longTable}_${longColumn}_index"`,
      `unique constraint "${longTable}_id_${longColumn}_unique"`,
      `column name "${column}" is 64 bytes`,
    ]) {
      expect(error?.message).toContain(part);
    }
  });

  test('long names given explicitly shorter pass', async () => {
    const dir = project({
      shop: {
        models: ['./db/models'],
        files: {
          'db/models.ts':
            "import { index } from 'drizzle-orm/pg-core';\n" +
            `export const entries = pgTable('${longTable}', { id: integer('id').generatedAlwaysAsIdentity({ name: 'entries_id_seq' }), ${longColumn}: integer('${longColumn}').unique('entries_ref_unique') },` +
            ` (t) => [index('entries_ref_index').on(t.${longColumn})]);`,
        },
      },
    });
    await expect(collectSchema({ projectDir: dir })).resolves.toMatchObject({ entries: [expect.objectContaining({ name: 'entries' })] });
  });
});

describe('collectSchema accepts', () => {
  test('one table object re-exported by another app, collecting it once for the app listed first', async () => {
    const dir = project({
      accounts: { models: ['./db/models'], files: { 'db/models.ts': table('users', 'users') } },
      blog: {
        models: ['./db/models'],
        files: { 'db/models.ts': `export { users } from '../../accounts/db/models.js';\n${table('posts', 'posts')}` },
      },
    });
    const collected = await collectSchema({ projectDir: dir });
    expect(collected.entries.map((entry) => [entry.app, entry.name])).toEqual([
      ['accounts', 'users'],
      ['blog', 'posts'],
    ]);
  });
});
