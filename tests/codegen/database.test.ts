/**
 * The collected schema record is what the runtime hands to Drizzle and what
 * create_db pushes: here it becomes SQL (through drizzle-kit), runs on
 * PostgreSQL and on PGlite, and serves relational queries across apps.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectSchema, type CollectedSchema } from '../../codegen/index.js';
import * as typed from '../../fixtures/codegen/three-apps/.backendts/schema.js';
import { fixturePath } from './fixture-copy.js';

type Db = PgDatabase<PgQueryResultHKT, typeof typed>;

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseName = `bt_codegen_${randomBytes(6).toString('hex')}`;

let collected: CollectedSchema;
let statements: string[];
let admin: postgres.Sql;
let client: postgres.Sql;
let pglite: PGlite;

beforeAll(async () => {
  collected = await collectSchema({ projectDir: fixturePath('three-apps') });
  const { generateDrizzleJson, generateMigration } = await import('drizzle-kit/api');
  statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(collected.schema));
  admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${databaseName}"`);
  client = postgres(ADMIN_URL.replace(/\/postgres$/, `/${databaseName}`), { max: 2, onnotice: () => {} });
  pglite = new PGlite();
});

afterAll(async () => {
  await client?.end();
  await admin?.unsafe(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin?.end();
  await pglite?.close();
});

const engines: { name: string; open: () => Promise<Db> }[] = [
  {
    name: 'PostgreSQL',
    open: async () => {
      for (const statement of statements) await client.unsafe(statement);
      return drizzlePostgres({ client, schema: collected.schema }) as unknown as Db;
    },
  },
  {
    name: 'PGlite',
    open: async () => {
      for (const statement of statements) await pglite.exec(statement);
      return drizzlePglite({ client: pglite, schema: collected.schema }) as unknown as Db;
    },
  },
];

describe.each(engines)('the collected schema on $name', ({ open }) => {
  let db: Db;

  test('creates the tables, the PostgreSQL schema, the enum and the view, with foreign keys in both directions between apps', async () => {
    db = await open();
    const [user] = await db.insert(typed.users).values({ username: 'ada', role: 'writer' }).returning();
    const [post] = await db.insert(typed.posts).values({ author_id: user!.id, title: 'Notes' }).returning();
    await db.update(typed.users).set({ favorite_post_id: post!.id });
    await db.insert(typed.orders).values({ customer_id: user!.id, total: '12.50' });
    await db.insert(typed.accounts_settings).values({ user_id: user!.id, newsletter: true });
    await db.insert(typed.shop_settings).values({ key: 'currency', value: 'EUR' });
    const titles = await db.select().from(typed.postTitles);
    expect(titles).toEqual([{ id: post!.id, title: 'Notes' }]);
  });

  test('refuses a row that breaks a cross-app foreign key', async () => {
    await expect(db.insert(typed.orders).values({ customer_id: 999_999, total: '1.00' })).rejects.toThrow();
  });

  test('serves relational queries that join tables of different apps', async () => {
    const post = await db.query.posts.findFirst({ with: { author: { columns: { username: true, role: true } } } });
    expect(post?.author).toEqual({ username: 'ada', role: 'writer' });
    const user = await db.query.users.findFirst({ with: { favoritePost: { columns: { title: true } }, posts: { columns: { title: true } } } });
    expect(user?.favoritePost).toEqual({ title: 'Notes' });
    expect(user?.posts).toEqual([{ title: 'Notes' }]);
    const order = await db.query.orders.findFirst({ with: { customer: { columns: { username: true } } } });
    expect(order?.customer.username).toBe('ada');
  });
});
