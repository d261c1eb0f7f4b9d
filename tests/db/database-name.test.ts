import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../runtime/project/config.js';
import { getDbEngine } from '../../runtime/db/index.js';

const name = `bt name ${Math.random().toString(36).slice(2, 8)} Ünï`;
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { onnotice: () => {} });

beforeAll(async () => {
  await admin.unsafe(`create database "${name}"`);
});

afterAll(async () => {
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

describe('a PostgreSQL database name with spaces and non-ASCII letters', () => {
  it('connects to exactly that database', async () => {
    const config = parseConfig(`[database]\nhost = 127.0.0.1\nname = ${name}\nusername = postgres\n`, 'config.ini');
    const engine = await getDbEngine(config, { projectDir: '/tmp' });
    try {
      if (engine.driver !== 'postgres') throw new Error('expected the postgres driver');
      const [row] = await engine.client`select current_database() as name`;
      expect(row?.name).toBe(name);
    } finally {
      await engine.close();
    }
  });
});
