/** Planning from the stored snapshot diffs only the tables that changed, with the same statements as a diff of every table. */
import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgPolicy, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { modelsSnapshot } from '../../cli/create-db/fingerprint.js';
import { planFromSnapshot, preloadDrizzleKit } from '../../cli/create-db/plan.js';
import { narrowToChangedTables } from '../../cli/create-db/snapshot-narrow.js';

const kind = pgEnum('kind', ['a', 'b']);
const kindWider = pgEnum('kind', ['a', 'b', 'c']);

/** A few tables; `changed` alters some of them, and `wider` adds a value to the enum. */
function models(changed: boolean, wider = false) {
  const groups = pgTable('groups', { id: integer('id').primaryKey(), name: text('name').notNull() });
  const users = pgTable('users', {
    id: integer('id').primaryKey(),
    kind: wider ? kindWider('kind') : kind('kind'),
    group_id: integer('group_id').references(() => groups.id),
    ...(changed ? { note: text('note') } : {}),
  });
  const members = pgTable(
    'members',
    { user_id: integer('user_id').notNull(), group_id: integer('group_id').notNull(), ...(changed ? {} : { role: text('role') }) },
    (t) => [primaryKey({ columns: [t.user_id, t.group_id] }), ...(changed ? [index('members_group_idx').on(t.group_id)] : [])],
  );
  const notes = pgTable('notes', { id: integer('id').primaryKey(), owner: text('owner').notNull() }, (t) => [
    pgPolicy('notes_owner', { for: 'select', using: changed ? sql`${t.owner} = session_user` : sql`${t.owner} = current_user` }),
  ]);
  const archive = pgTable('archive', { id: integer('id').primaryKey() });
  return { kind: wider ? kindWider : kind, groups, users, members, notes, ...(changed ? {} : { archive }) };
}

/** The value with every object's keys in reverse order, as a stored snapshot read back from jsonb has them in an order of its own. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reverseKeys(item)]));
}

const snapshotOf = (imports: Record<string, unknown>) => modelsSnapshot(imports, ['public']);

/** What drizzle-kit's diff of the whole snapshots gives. */
async function fullDiff(previous: Record<string, unknown>, current: Record<string, unknown>): Promise<string[]> {
  const { generateMigration } = await preloadDrizzleKit();
  const ids = { id: '00000000-0000-0000-0000-000000000000', prevId: '00000000-0000-0000-0000-000000000000' };
  return (await generateMigration({ ...ids, ...previous } as never, { ...ids, ...current } as never)).map((statement) => statement.trim()).filter(Boolean);
}

describe('planning from the stored snapshot', () => {
  it('leaves out the unchanged tables (whatever the order of their keys) and plans what a diff of every table plans', async () => {
    // As read back from jsonb: keys in an order of its own, and none holding undefined.
    const previous = JSON.parse(JSON.stringify(reverseKeys(await snapshotOf(models(false))))) as Record<string, unknown>;
    const current = await snapshotOf(models(true));
    const narrowed = narrowToChangedTables(previous, current);
    expect(Object.keys(narrowed.current.tables as object).sort()).toEqual(['public.members', 'public.notes', 'public.users']);
    expect(Object.keys(narrowed.previous.tables as object).sort()).toEqual(['public.archive', 'public.members', 'public.notes', 'public.users']);
    const planned = await planFromSnapshot(previous, current, { target: 'the test database' });
    expect(planned.statements.length).toBeGreaterThan(3);
    expect(planned.statements).toEqual(await fullDiff(previous, current));
  });

  it('diffs every table when something besides the tables changed (an enum its columns use)', async () => {
    const previous = await snapshotOf(models(false));
    const current = await snapshotOf(models(true, true));
    expect(narrowToChangedTables(previous, current).current).toBe(current);
    const planned = await planFromSnapshot(previous, current, { target: 'the test database' });
    expect(planned.statements).toEqual(await fullDiff(previous, current));
  });
});
