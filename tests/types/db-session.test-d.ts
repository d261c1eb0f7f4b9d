/**
 * What users' editors infer from backendts/db: the context keys that
 * setDatabaseHooks fills, the handle's type with a schema, and nested
 * transactions passed where a DbSession is expected.
 */
import { describe, expectTypeOf, test } from 'vitest';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import type { Backendts } from 'backendts';
import { getDbEngine, getDbSession, onCommit, type DbEngine, type DbSession, type DbSessionGetter } from 'backendts/db';

const items = pgTable('items', { id: integer('id').primaryKey(), name: text('name').notNull() });
const schema = { items };

declare const bp: Backendts;

describe('backendts/db types', () => {
  test('bp.context carries db_engine and the db_session getter', () => {
    expectTypeOf(bp.context.db_engine).toEqualTypeOf<DbEngine>();
    expectTypeOf(bp.context.db_session).toEqualTypeOf<DbSessionGetter>();
    expectTypeOf(bp.context.db_session()).toEqualTypeOf<DbSession>();
    expectTypeOf(bp.context.db_session.commit).returns.toEqualTypeOf<Promise<void>>();
  });

  test('an engine made with a schema types its handles with it', async () => {
    const engine = await getDbEngine({}, { schema });
    const db_session = getDbSession(engine, () => bp.getCurrentRequest());
    const rows = await db_session().select().from(items);
    expectTypeOf(rows).toEqualTypeOf<{ id: number; name: string }[]>();
    expectTypeOf(db_session().query).toHaveProperty('items');
    if (engine.driver === 'postgres') expectTypeOf(engine.client.unsafe).toBeFunction();
    else expectTypeOf(engine.client.exec).toBeFunction();
  });

  test('a nested transaction can be passed to queries written for DbSession', async () => {
    const addItem = async (db: DbSession<typeof schema>, name: string) => db.insert(items).values({ id: 1, name });
    const engine = await getDbEngine({}, { schema });
    const db = getDbSession(engine, () => 'script')();
    await db.transaction(async (tx) => {
      await addItem(tx, 'in a savepoint');
    });
    onCommit(db, () => {});
  });
});
