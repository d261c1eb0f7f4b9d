/**
 * The migration tests' project (`fixtures/migrations/project`: apps accounts
 * and blog) and the versions of its models the tests write in turn.
 */
import { cpSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { linkDependencies, repoRoot, runCli, tempDir, type CliResult } from './cli.js';
import { postgresUrl } from './postgres.js';

/** The accounts app's models, first version. */
const USERS = `import { integer, pgTable, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  username: text('username').notNull(),
});
`;

const TAGS = `export const tags = pgTable('tags', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  label: text('label').notNull(),
});
`;

const POSTS = (extra: string) => `export const posts = pgTable('posts', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  author_id: integer('author_id').notNull().references(() => users.id),
  title: text('title').notNull(),${extra}
});
`;

const BLOG_IMPORTS = `import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { users } from '../../accounts/db/models.js';
`;

/** One version of both apps' models. */
export interface ModelVersion {
  accounts: string;
  blog: string;
}

/** The models as the fixture ships them: users, tags. */
export const V1: ModelVersion = { accounts: USERS, blog: `import { integer, pgTable, text } from 'drizzle-orm/pg-core';\n\n${TAGS}` };
/** A new table with a foreign key to the other app's table: blog's posts by accounts' users. */
export const V2: ModelVersion = { accounts: USERS, blog: `${BLOG_IMPORTS}\n${TAGS}\n${POSTS('')}` };
/** A new column with a default. */
export const V3: ModelVersion = { accounts: USERS, blog: `${BLOG_IMPORTS}\n${TAGS}\n${POSTS("\n  status: text('status').notNull().default('draft'),")}` };
/** A renamed column: users.username is now users.handle. */
export const V4: ModelVersion = { accounts: USERS.replace(/username/g, 'handle'), blog: V3.blog };

/** Writes one version of the models into a copy of the project. */
export function writeVersion(projectDir: string, version: ModelVersion): void {
  writeFileSync(path.join(projectDir, 'apps/accounts/db/models.ts'), version.accounts);
  writeFileSync(path.join(projectDir, 'apps/blog/db/models.ts'), version.blog);
}

/** Copies the project into a new temporary folder, ready to run. */
export function copyMigrationsProject(): string {
  const dir = tempDir('migrations');
  cpSync(path.join(repoRoot, 'fixtures/migrations/project'), dir, { recursive: true });
  linkDependencies(dir);
  return dir;
}

/** A PostgreSQL database name no other test uses. */
export function migrationDatabaseName(label: string): string {
  return `mig_${label}_${randomBytes(5).toString('hex')}`;
}

/** Runs backendts commands in a project, on PostgreSQL (a database name) or the embedded database (none). */
export function projectCli(projectDir: string, database: string | undefined): (...args: string[]) => Promise<CliResult> {
  const env = database === undefined ? {} : { DATABASE_URL: postgresUrl(database) };
  return (...args) => runCli(args, { cwd: projectDir, env });
}
