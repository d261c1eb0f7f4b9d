/** How makemigrations settles a possible rename without asking: drizzle-kit's diff with the answers given as flags. */
import { integer, pgEnum, pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { modelsSnapshot } from '../../cli/create-db/fingerprint.js';
import { diffSnapshots } from '../../cli/migrations/diff.js';
import { parseRenames, type Snapshot } from '../../cli/migrations/renames.js';

const snapshot = (imports: Record<string, unknown>) => modelsSnapshot(imports, ['public']) as Promise<Snapshot>;

const authors = pgTable('authors', { id: integer('id').primaryKey() });
const before = {
  authors,
  books: pgTable('books', { id: integer('id').primaryKey(), name: text('name').unique(), author_id: integer('author_id').references(() => authors.id) }),
};
const renamedColumn = {
  authors,
  books: pgTable('books', { id: integer('id').primaryKey(), title: text('title').unique(), author_id: integer('author_id').references(() => authors.id) }),
};

describe('renames in makemigrations', () => {
  it('reports a column that could be a rename instead of asking', async () => {
    const diff = await diffSnapshots(await snapshot(before), await snapshot(renamedColumn), { renames: [], noRename: false });
    expect(diff).toEqual({ ambiguities: [{ kind: 'column', table: 'public.books', deleted: ['name'], created: ['title'] }] });
  });

  it('renames the column with --rename, and moves its unique constraint to the new name', async () => {
    const diff = await diffSnapshots(await snapshot(before), await snapshot(renamedColumn), { renames: parseRenames('books.name=books.title'), noRename: false });
    expect(diff).toEqual({
      statements: [
        'ALTER TABLE "books" RENAME COLUMN "name" TO "title";',
        'ALTER TABLE "books" DROP CONSTRAINT "books_name_unique";',
        'ALTER TABLE "books" ADD CONSTRAINT "books_title_unique" UNIQUE("title");',
      ],
    });
  });

  it('drops and adds with --no-rename', async () => {
    const diff = await diffSnapshots(await snapshot(before), await snapshot(renamedColumn), { renames: [], noRename: true });
    expect(diff).toEqual({
      statements: [
        'ALTER TABLE "books" DROP CONSTRAINT "books_name_unique";',
        'ALTER TABLE "books" DROP COLUMN "name";',
        'ALTER TABLE "books" ADD COLUMN "title" text;',
        'ALTER TABLE "books" ADD CONSTRAINT "books_title_unique" UNIQUE("title");',
      ],
    });
  });

  it('renames a table with --rename old=new, and re-creates the foreign keys that point at it', async () => {
    const writers = pgTable('writers', { id: integer('id').primaryKey() });
    const after = { writers, books: pgTable('books', { id: integer('id').primaryKey(), name: text('name').unique(), author_id: integer('author_id').references(() => writers.id) }) };
    const diff = await diffSnapshots(await snapshot(before), await snapshot(after), { renames: parseRenames(['authors=writers']), noRename: false });
    expect('statements' in diff && diff.statements[0]).toBe('ALTER TABLE "authors" RENAME TO "writers";');
    expect('statements' in diff && diff.statements.some((statement) => statement.includes('DROP TABLE'))).toBe(false);
  });

  it('drops a foreign key only if still there when the table it points at is dropped with CASCADE before it', async () => {
    const after = { books: pgTable('books', { id: integer('id').primaryKey(), name: text('name').unique(), author_id: integer('author_id') }) };
    const diff = await diffSnapshots(await snapshot(before), await snapshot(after), { renames: [], noRename: false });
    expect(diff).toEqual({
      statements: [
        'ALTER TABLE "authors" DISABLE ROW LEVEL SECURITY;',
        'DROP TABLE "authors" CASCADE;',
        'ALTER TABLE "books" DROP CONSTRAINT IF EXISTS "books_author_id_authors_id_fk";',
      ],
    });
  });

  it('leaves an enum that could be a rename to the user: flags settle tables and columns only', async () => {
    const diff = await diffSnapshots(await snapshot({ kind: pgEnum('kind', ['a']) }), await snapshot({ sort: pgEnum('sort', ['a']) }), { renames: [], noRename: true });
    expect(diff).toEqual({ ambiguities: [{ kind: 'enum', deleted: ['public.kind'], created: ['public.sort'] }] });
  });

  it('refuses a --rename that names nothing in the last migration', async () => {
    await expect(diffSnapshots(await snapshot(before), await snapshot(renamedColumn), { renames: parseRenames('books.nom=books.title'), noRename: false })).rejects.toThrow(
      /--rename books.nom=books.title: the last migration has no column nom in books/,
    );
  });
});
