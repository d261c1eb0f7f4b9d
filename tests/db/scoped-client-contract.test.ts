/**
 * runtime/db/scoped-client.ts hands Drizzle a client of its own, which
 * implements only what drizzle-orm 0.45 uses of a postgres.js or PGlite
 * client. This records every member Drizzle touches on a real client (and
 * on the transactions and pending queries it gets from it) while running
 * each kind of query backendts supports, and fails when Drizzle uses one
 * the adapter does not implement: after an upgrade of drizzle-orm, that is
 * the adapter to extend (package.json pins drizzle-orm's minor version).
 */
import { PGlite } from '@electric-sql/pglite';
import { eq, relations, sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { integer, pgTable, serial, text } from 'drizzle-orm/pg-core';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support.js';

/** What the adapter implements, by the role of the object Drizzle holds. */
const HANDLED = {
  postgres: {
    // postgresClient(): the handle's client.
    client: ['options', 'unsafe', 'begin'],
    // savepoint() and preparing(): the client of a nested transaction.
    transaction: ['unsafe', 'savepoint'],
    // statementsOn(): what unsafe() returns.
    result: ['values', 'then'],
    // begin() and savepoint() return promises.
    promise: ['then', 'catch', 'finally'],
  },
  pglite: {
    // pgliteClient(): the handle's client.
    client: ['query', 'transaction'],
    // The client of a nested transaction (PGlite's own outside a request transaction).
    transaction: ['query'],
    // query() returns PGlite's own promise.
    result: ['then'],
    // transaction() returns a promise.
    promise: ['then', 'catch', 'finally'],
  },
} as const;

type Role = 'client' | 'transaction' | 'result' | 'promise';

/** The calls that send a statement: what they return is a `result`, what other calls return a `promise`. */
const STATEMENTS = new Set(['unsafe', 'query']);

const owners = pgTable('owners', { id: serial('id').primaryKey(), name: text('name').notNull() });
const items = pgTable('items', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  ownerId: integer('owner_id').notNull(),
});
const ownersRelations = relations(owners, ({ many }) => ({ items: many(items) }));
const itemsRelations = relations(items, ({ one }) => ({ owner: one(owners, { fields: [items.ownerId], references: [owners.id] }) }));
const schema = { owners, items, ownersRelations, itemsRelations };

const CREATE = [
  'create table owners (id serial primary key, name text not null)',
  'create table items (id serial primary key, name text not null, owner_id integer not null)',
];

const isObject = (value: unknown): value is object => (typeof value === 'object' && value !== null) || typeof value === 'function';

/**
 * Wraps a client so that every member read (and every call of the object
 * itself) is recorded as `role.name`. The objects a callback receives from
 * a client or transaction are transactions.
 */
function recorder() {
  const seen = new Set<string>();
  const wrap = <T extends object>(target: T, role: Role): T =>
    new Proxy(target, {
      apply(fn, self, args) {
        seen.add(`${role}()`);
        return Reflect.apply(fn as (...a: unknown[]) => unknown, self, args);
      },
      get(object, name) {
        const value: unknown = Reflect.get(object, name, object);
        if (typeof name === 'symbol') return value;
        seen.add(`${role}.${name}`);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const passed =
            role === 'result' || role === 'promise'
              ? args
              : args.map((arg) =>
                  typeof arg === 'function' ? (...inner: unknown[]) => (arg as (...a: unknown[]) => unknown)(...inner.map((x) => (isObject(x) ? wrap(x, 'transaction') : x))) : arg,
                );
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, passed);
          return isObject(result) ? wrap(result, STATEMENTS.has(name) ? 'result' : 'promise') : result;
        };
      },
    });
  return { seen, wrap };
}

/** The names Drizzle used that the adapter does not implement. */
function unhandled(seen: Set<string>, handled: Record<Role, readonly string[]>): string[] {
  return [...seen].filter((entry) => {
    const [role, name] = entry.split('.') as [Role, string | undefined];
    return name === undefined || !handled[role].includes(name);
  });
}

type AnyDb = PgDatabase<PgQueryResultHKT, typeof schema>;

/** One of each query kind backendts supports. */
async function runEveryKind(db: AnyDb): Promise<void> {
  const [owner] = await db.insert(owners).values({ name: 'ada' }).returning();
  await db.insert(items).values([{ name: 'pen', ownerId: owner!.id }, { name: 'ink', ownerId: owner!.id }]);
  expect(await db.select().from(items).where(eq(items.ownerId, owner!.id))).toHaveLength(2);
  await db.update(items).set({ name: 'quill' }).where(eq(items.name, 'pen'));
  await db.delete(items).where(eq(items.name, 'ink'));

  const byName = db.select().from(items).where(eq(items.name, sql.placeholder('name'))).prepare('items_by_name');
  expect(await byName.execute({ name: 'quill' })).toHaveLength(1);
  await db.execute(sql`select 1`);

  const found = await db.query.owners.findMany({ with: { items: true } });
  expect(found[0]!.items.map((item) => item.name)).toEqual(['quill']);

  await db.transaction(async (tx) => {
    await tx.insert(items).values({ name: 'kept', ownerId: owner!.id });
    await tx
      .transaction(async (savepoint) => {
        await savepoint.insert(items).values({ name: 'dropped', ownerId: owner!.id });
        savepoint.rollback();
      })
      .catch(() => {});
    await tx.transaction(async (savepoint) => {
      await savepoint.select().from(items);
      await savepoint.transaction(async (inner) => inner.update(items).set({ name: 'kept!' }).where(eq(items.name, 'kept')));
    });
  });
  expect((await db.select({ name: items.name }).from(items)).map((row) => row.name).sort()).toEqual(['kept!', 'quill']);
}

describe('what drizzle-orm uses of a client', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const statement of CREATE) await database.sql.unsafe(statement);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('on postgres.js is what the adapter implements', async () => {
    const { seen, wrap } = recorder();
    const db = drizzlePostgres({ client: wrap(database.sql, 'client'), schema });
    await runEveryKind(db as unknown as AnyDb);
    expect(seen.has('client.unsafe') && seen.has('client.begin') && seen.has('transaction.savepoint')).toBe(true);
    expect(unhandled(seen, HANDLED.postgres)).toEqual([]);
  });

  it('on PGlite is what the adapter implements', async () => {
    const client = new PGlite();
    try {
      for (const statement of CREATE) await client.exec(statement);
      const { seen, wrap } = recorder();
      const db = drizzlePglite({ client: wrap(client, 'client'), schema });
      await runEveryKind(db as unknown as AnyDb);
      expect(seen.has('client.query') && seen.has('client.transaction') && seen.has('transaction.query')).toBe(true);
      expect(unhandled(seen, HANDLED.pglite)).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
