/** Small model modules that reproduce what drizzle-kit's live comparison gets wrong (written over the fixture's models). */

/** Two tables with composite primary keys (one with NOT NULL columns, one without), a unique constraint, optionally a new column. */
export function compositeKeys(withNote = false): string {
  return `import { integer, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';

export const memberships = pgTable('memberships', {
  user_id: integer('user_id').notNull(),
  group_id: integer('group_id').notNull(),${withNote ? "\n  note: text('note')," : ''}
}, (t) => [primaryKey({ columns: [t.user_id, t.group_id] })]);

export const pairs = pgTable('pairs', {
  left_id: integer('left_id'),
  right_id: integer('right_id'),
  code: text('code').unique(),
}, (t) => [primaryKey({ columns: [t.left_id, t.right_id] }), unique('pairs_left_code').on(t.left_id, t.code)]);
`;
}

/** A table with a row-level security policy whose USING and WITH CHECK are the given expressions. */
export function withPolicy(using: string, withCheck: string): string {
  return `import { sql } from 'drizzle-orm';
import { integer, pgPolicy, pgTable, text } from 'drizzle-orm/pg-core';

export const notes = pgTable('notes', {
  id: integer('id').primaryKey(),
  owner: text('owner').notNull(),
}, (t) => [pgPolicy('notes_owner', { for: 'update', to: 'public', using: sql\`${using}\`, withCheck: sql\`${withCheck}\` })]);
`;
}

/** A table in a PostgreSQL schema the module does not export. */
export const UNEXPORTED_SCHEMA = `import { integer, pgSchema, text } from 'drizzle-orm/pg-core';

const inventory = pgSchema('inventory');

export const items = inventory.table('items', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
});
`;
