/**
 * The types a generated schema module gives Drizzle: the three-app
 * fixture's `.backendts/schema.ts` (committed, and kept fresh by
 * tests/codegen/fixture-output.test.ts). How `.backendts/types.d.ts` then
 * registers it for `db_session()` is checked in the fixture's own program
 * (tests/codegen/editor-types.test.ts), as registering here would retype
 * every other test's database handle.
 */
import type { DbSession } from 'backendts/db';
import { describe, expectTypeOf, test } from 'vitest';
import * as schema from '../../fixtures/codegen/three-apps/.backendts/schema.js';

declare const db: DbSession<typeof schema>;

describe('a database typed with the generated schema', () => {
  test('knows the tables of every app, under their unique names', () => {
    expectTypeOf(db.query).toHaveProperty('users');
    expectTypeOf(db.query).toHaveProperty('posts');
    expectTypeOf(db.query).toHaveProperty('orders');
    expectTypeOf(db.query).toHaveProperty('accounts_settings');
    expectTypeOf(db.query).toHaveProperty('shop_settings');
  });

  test('rejects a table the project does not have', () => {
    // @ts-expect-error: no model module exports `comments`
    void db.query.comments;
    // @ts-expect-error: two apps export `settings`, so only the prefixed names exist
    void db.query.settings;
  });

  test('rows carry the column types, enums included', async () => {
    const user = await db.query.users.findFirst();
    expectTypeOf(user).toEqualTypeOf<
      { id: number; username: string; role: 'reader' | 'writer' | 'admin'; favorite_post_id: number | null } | undefined
    >();
  });

  test('relations declared in one app reach tables of another', async () => {
    const post = await db.query.posts.findFirst({ with: { author: true } });
    expectTypeOf(post!.author.username).toEqualTypeOf<string>();
    const order = await db.query.orders.findFirst({ with: { customer: { columns: { role: true } } } });
    expectTypeOf(order!.customer).toEqualTypeOf<{ role: 'reader' | 'writer' | 'admin' }>();
    const user = await db.query.users.findFirst({ with: { posts: { columns: { title: true } } } });
    expectTypeOf(user!.posts).toEqualTypeOf<{ title: string }[]>();
  });

  test('selects through the re-exported objects are typed too', async () => {
    const rows = await db.select({ id: schema.orders.id, total: schema.orders.total }).from(schema.orders);
    expectTypeOf(rows).toEqualTypeOf<{ id: number; total: string }[]>();
    expectTypeOf(schema.shop_settings.$inferSelect).toEqualTypeOf<{ key: string; value: string }>();
  });
});
