/** Planning against the live catalog, in process, on an in-memory PGlite: what drizzle-kit's introspection gets wrong. */
import { sql } from 'drizzle-orm';
import { integer, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { modelsSnapshot } from '../../cli/create-db/fingerprint.js';
import { planPush } from '../../cli/create-db/plan.js';
import type { SqlRunner } from '../../cli/create-db/sql-runner.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { useMemoryDatabase } from './support/memory-database.js';

const models = (withNote: boolean) => ({
  memberships: pgTable('memberships', { user_id: integer('user_id').notNull(), group_id: integer('group_id').notNull(), ...(withNote ? { note: text('note') } : {}) }, (t) => [
    primaryKey({ columns: [t.user_id, t.group_id] }),
  ]),
  pairs: pgTable('pairs', { left_id: integer('left_id'), right_id: integer('right_id') }, (t) => [primaryKey({ columns: [t.left_id, t.right_id] })]),
  // Unique constraints on several columns, one of them not in the table's column order.
  // ... and a default PostgreSQL prints in another case (CURRENT_USER).
  seats: pgTable('seats', { row: integer('row'), num: integer('num'), owner: text('owner').default(sql`current_user`) }, (t) => [unique().on(t.row, t.num), unique('seats_num_row').on(t.num, t.row)]),
});

describe('planning against the live catalog', { timeout: 60_000 }, () => {
  const plan = async (imports: Record<string, unknown>, on: SqlRunner = database.runner) =>
    planPush(imports, await modelsSnapshot(imports, ['public']), ['public'], on, { target: 'the test database' });
  const database = useMemoryDatabase(async (runner) => (await plan(models(false), runner)).statements);

  it('plans nothing for unchanged composite keys and unique constraints (whatever their column order) and keyword defaults, and exactly the new column when one is added', async () => {
    expect((await plan(models(false))).statements).toEqual([]);
    expect((await plan(models(true))).statements).toEqual(['ALTER TABLE "memberships" ADD COLUMN "note" text;']);
  });

  it('turns a catalog query that fails while other tables are still read into one BT_CREATE_DB_INTROSPECT error, with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failing: SqlRunner = {
        query: async (text) => {
          if (text.includes('"public"."pairs"')) throw new Error('the catalog is gone');
          return database.runner.query(text);
        },
      };
      const error = await plan(models(true), failing).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BackendtsError);
      expect((error as BackendtsError).code).toBe('BT_CREATE_DB_INTROSPECT');
      expect((error as BackendtsError).message).toContain('the catalog is gone');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
