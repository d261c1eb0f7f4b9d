import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { drizzleKitConfig } from '../../codegen/index.js';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A project folder with the given config files; returns the URL of its generated drizzle.config.ts. */
function project(files: Record<string, string>): { dir: string; configUrl: string } {
  root = mkdtempSync(path.join(os.tmpdir(), 'backendts-kit-'));
  mkdirSync(path.join(root, '.backendts'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
  return { dir: root, configUrl: pathToFileURL(path.join(root, '.backendts', 'drizzle.config.ts')).href };
}

describe('drizzleKitConfig', () => {
  test('points drizzle-kit at the generated schema and the embedded database by default, with absolute paths', () => {
    const { dir, configUrl } = project({ 'config.ini': '[apps]\nactive =\n' });
    expect(drizzleKitConfig(configUrl)).toEqual({
      dialect: 'postgresql',
      schema: path.join(dir, '.backendts', 'schema.ts'),
      out: path.join(dir, 'drizzle'),
      driver: 'pglite',
      dbCredentials: { url: path.join(dir, '.backendts', 'db') },
    });
  });

  test('gives the PostgreSQL URL built from [database]', () => {
    const { configUrl } = project({ 'config.ini': '[database]\nhost = 127.0.0.1\nport = 5433\nname = shop\nusername = app\n' });
    expect(drizzleKitConfig(configUrl).dbCredentials).toEqual({ url: 'postgres://app@127.0.0.1:5433/shop' });
  });

  test('passes the connection as fields when ssl is on, password included, read from the environment', () => {
    process.env.BT_KIT_TEST_PASSWORD = 's3cret';
    try {
      const { configUrl } = project({
        'config.ini': '[database]\nhost = db.example\nname = shop\nusername = app\npassword = ${BT_KIT_TEST_PASSWORD}\nssl = require\n',
      });
      expect(drizzleKitConfig(configUrl).dbCredentials).toEqual({
        host: 'db.example',
        port: 5432,
        database: 'shop',
        user: 'app',
        password: 's3cret',
        ssl: 'require',
      });
    } finally {
      delete process.env.BT_KIT_TEST_PASSWORD;
    }
  });

  test('reads config.<env>.ini for the environment named', () => {
    const { configUrl } = project({ 'config.ini': '[apps]\nactive =\n', 'config.pg.ini': '[database]\nurl = postgres://u@h:5432/other\n' });
    expect(drizzleKitConfig(configUrl, { env: 'pg' }).dbCredentials).toEqual({ url: 'postgres://u@h:5432/other' });
  });
});
