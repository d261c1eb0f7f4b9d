/** Versions of the fixture's `apps/store/db/models.ts`, written by the tests to change the schema. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const HEADER = `import { integer, pgEnum, pgTable, text, varchar } from 'drizzle-orm/pg-core';

export const productKind = pgEnum('product_kind', ['book', 'game']);

export const categories = pgTable('categories', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: varchar('name', { length: 80 }).notNull().unique(),
});
`;

/** The schema as the fixture ships it. */
export const INITIAL = `${HEADER}
export const products = pgTable('products', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  kind: productKind('kind').notNull().default('book'),
  category_id: integer('category_id').references(() => categories.id),
});
`;

/** Additive: a new nullable column and a new table. */
export const ADDITIVE = `${HEADER}
export const products = pgTable('products', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  kind: productKind('kind').notNull().default('book'),
  category_id: integer('category_id').references(() => categories.id),
  price: integer('price'),
});

export const tags = pgTable('tags', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  label: text('label').notNull(),
});
`;

/** Destructive: the \`kind\` column and the \`tags\` table are gone. */
export const DESTRUCTIVE = `${HEADER}
export const products = pgTable('products', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  category_id: integer('category_id').references(() => categories.id),
  price: integer('price'),
});
`;

/** Ambiguous: \`name\` gone and \`title\` new in the same table (a rename, or not?). */
export const AMBIGUOUS = `${HEADER}
export const products = pgTable('products', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  title: text('title').notNull(),
  kind: productKind('kind').notNull().default('book'),
  category_id: integer('category_id').references(() => categories.id),
});
`;

/** Writes one version of the models into a project copied from `fixtures/cli/project`. */
export function writeModels(projectDir: string, source: string): void {
  writeFileSync(path.join(projectDir, 'apps/store/db/models.ts'), source);
}

/** After DESTRUCTIVE: a new table, then a check that the row already there ('Dune') breaks, so the second statement fails. */
export const FAILS_ON_DATA = `import { sql } from 'drizzle-orm';
import { check, integer, pgEnum, pgTable, text, varchar } from 'drizzle-orm/pg-core';

export const productKind = pgEnum('product_kind', ['book', 'game']);

export const categories = pgTable('categories', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: varchar('name', { length: 80 }).notNull().unique(),
});

export const products = pgTable(
  'products',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    category_id: integer('category_id').references(() => categories.id),
    price: integer('price'),
  },
  (table) => [check('products_long_name', sql\`length(\${table.name}) > 10\`)],
);

export const notes = pgTable('notes', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  body: text('body').notNull(),
});
`;
