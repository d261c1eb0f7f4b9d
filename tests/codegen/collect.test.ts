import { getTableConfig } from 'drizzle-orm/pg-core';
import { describe, expect, test } from 'vitest';
import { collectSchema } from '../../codegen/index.js';
import { fixturePath } from './fixture-copy.js';

const projectDir = fixturePath('three-apps');

describe('collectSchema on a project of three apps with cross-app foreign keys', () => {
  test('collects every Drizzle object, apps in config order and exports by name', async () => {
    const collected = await collectSchema({ projectDir });
    const rows = collected.entries.map((entry) => [entry.app, entry.exportName, entry.name, entry.kind, entry.sqlSchema, entry.sqlName]);
    expect(rows).toEqual([
      ['accounts', 'role', 'role', 'enum', 'public', 'role'],
      ['accounts', 'settings', 'accounts_settings', 'table', 'public', 'user_settings'],
      ['accounts', 'users', 'users', 'table', 'public', 'users'],
      ['accounts', 'usersRelations', 'usersRelations', 'relations', undefined, undefined],
      ['blog', 'blogSchema', 'blogSchema', 'schema', undefined, 'blog'],
      ['blog', 'issueNumbers', 'issueNumbers', 'sequence', 'public', 'issue_numbers'],
      ['blog', 'postTitles', 'postTitles', 'view', 'blog', 'post_titles'],
      ['blog', 'posts', 'posts', 'table', 'blog', 'posts'],
      ['blog', 'postsRelations', 'postsRelations', 'relations', undefined, undefined],
      ['shop', 'orders', 'orders', 'table', 'public', 'orders'],
      ['shop', 'ordersRelations', 'ordersRelations', 'relations', undefined, undefined],
      ['shop', 'settings', 'shop_settings', 'table', 'public', 'shop_settings'],
    ]);
  });

  test('names each entry with its app, its module file and the models entry that listed it', async () => {
    const collected = await collectSchema({ projectDir });
    const posts = collected.entries.find((entry) => entry.name === 'posts')!;
    expect(posts.file).toBe(`${projectDir}/apps/blog/db/models/index.ts`);
    expect(posts.modelPath).toBe('./db/models');
    expect(collected.apps.map((app) => app.name)).toEqual(['accounts', 'blog', 'shop']);
    expect(collected.configFile).toBe(`${projectDir}/config.ini`);
  });

  test('the schema record holds the very objects the model modules export, under their unique names', async () => {
    const collected = await collectSchema({ projectDir });
    const accounts = await import('../../fixtures/codegen/three-apps/apps/accounts/db/models.js');
    const shop = await import('../../fixtures/codegen/three-apps/apps/shop/db/models.js');
    expect(Object.keys(collected.schema)).toEqual(collected.entries.map((entry) => entry.name));
    expect(collected.schema.users).toBe(accounts.users);
    expect(collected.schema.accounts_settings).toBe(accounts.settings);
    expect(collected.schema.shop_settings).toBe(shop.settings);
  });

  test('keeps foreign keys between apps, in both directions of an import cycle', async () => {
    const collected = await collectSchema({ projectDir });
    const target = (name: string) =>
      getTableConfig(collected.schema[name] as never).foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name);
    expect(target('posts')).toEqual(['users']);
    expect(target('users')).toEqual(['posts']);
    expect(target('orders')).toEqual(['users']);
  });

  test('gives the same hash on every run, and a 16-digit hex one', async () => {
    const first = await collectSchema({ projectDir });
    const second = await collectSchema({ projectDir });
    expect(first.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(second.hash).toBe(first.hash);
  });

  test('reads config.<env>.ini when an environment is named', async () => {
    await expect(collectSchema({ projectDir, env: 'nowhere' })).rejects.toMatchObject({ code: 'BT_CONFIG_MISSING' });
  });
});
