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
