/**
 * The migration tests' project (`fixtures/migrations/project`: apps accounts
 * and blog) and the versions of its models the tests write in turn.
 */
import { cpSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { linkDependencies, relocateProject, repoRoot, runCliInProcess, tempDir, type CliResult } from './cli.js';
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

/** The environment that points a command at PostgreSQL (a database name) or the embedded database (none). */
export function databaseEnv(database: string | undefined): Record<string, string> {
  return database === undefined ? {} : { DATABASE_URL: postgresUrl(database) };
}

/** A copy of the project whose commands run in this process. */
export interface MigrationsProject {
  /** Its folder now: {@link MigrationsProject.write} moves it. */
  readonly dir: string;
  /** Runs `backendts <args>` in it, in process. */
  cli(...args: string[]): Promise<CliResult>;
  /** Writes a version of the models, in the project moved first: modules are cached by path in this process. */
  write(version: ModelVersion): void;
}

/** Copies the project into a new temporary folder, its commands running in process on PostgreSQL (a database name) or the embedded database (none). */
export function migrationsProject(database: string | undefined): MigrationsProject {
  let dir = copyMigrationsProject();
  let loaded = false;
  return {
    get dir() {
      return dir;
    },
    cli: (...args) => {
      loaded = true;
      return runCliInProcess(args, { cwd: dir, env: databaseEnv(database) });
    },
    write: (version) => {
      if (loaded) dir = relocateProject(dir);
      loaded = false;
      writeVersion(dir, version);
    },
  };
}
