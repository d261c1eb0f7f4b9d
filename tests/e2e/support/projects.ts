/**
 * Temporary project folders for the end-to-end tests, and the database each
 * one runs on: the embedded PGlite default or a fresh PostgreSQL database.
 */
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { expect } from 'vitest';
import { repoRoot, type RunningServer } from './cli.js';
import { dropDatabase, queryPostgres, sessionsLeftOn, sessionsOn, uniqueDatabaseName, withPglite } from './databases.js';

/** The two engines every end-to-end case runs on. */
export const DRIVERS = ['postgres', 'pglite'] as const;

/**
 * Milliseconds one end-to-end step may take. Generous: a step runs whole
 * commands (create_db on a fresh embedded database initialises PGlite), and
 * a loaded 2-core machine can make that several times slower.
 */
export const E2E_TIMEOUT = 180_000;

/** One of {@link DRIVERS}. */
export type Driver = (typeof DRIVERS)[number];

/**
 * Copies fixtures/<name> into the repository's ignored tmp/ folder. Inside the
 * checkout, `import 'backendts'` resolves to this package (its own name) and
 * drizzle-orm to the checkout's node_modules, exactly as in fixtures/.
 */
export function copyFixture(name: string): string {
  const dir = path.join(repoRoot, 'tmp', 'e2e', `${name}-${randomBytes(4).toString('hex')}`);
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(path.join(repoRoot, 'fixtures', name), dir, {
    recursive: true,
    filter: (source) => path.basename(source) !== '.backendts' && path.basename(source) !== 'node_modules',
  });
  return dir;
}

/**
 * A fresh folder outside the checkout, as a user's machine would have, whose
 * node_modules links `backendts` and `drizzle-orm` to this checkout (what
 * `npm install backendts` would give).
 */
export function makeWorkspace(): string {
  const dir = path.join(tmpdir(), `backendts-e2e-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Links the packages a scaffolded project uses (backendts, drizzle-orm, @types/node) into its node_modules. */
export function linkDependencies(projectDir: string): void {
  const modules = path.join(projectDir, 'node_modules');
  mkdirSync(path.join(modules, '@types'), { recursive: true });
  symlinkSync(repoRoot, path.join(modules, 'backendts'), 'dir');
  for (const name of ['drizzle-orm', '@types/node']) {
    symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(modules, name), 'dir');
  }
}

/** Removes a temporary folder. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs one SQL query and returns its rows. */
export type Query = <Row>(text: string, params?: unknown[]) => Promise<Row[]>;

/** The database a test project runs on, and direct access to it. */
export interface TestDatabase {
  driver: Driver;
  /** PostgreSQL database name (undefined on PGlite). */
  name: string | undefined;
  /** Runs a query directly on the database; on PGlite, only while no server has it open. */
  query: Query;
  /** Runs several queries on one connection (on PGlite, one opening of the folder). */
  read<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  /** Drops the PostgreSQL database; nothing to do on PGlite (its folder goes with the project). */
  drop(): Promise<void>;
}

/** A PostgreSQL database name reserved for a test (created by `create_db`), or the project's PGlite folder. */
export function testDatabase(driver: Driver, pgliteDir: () => string): TestDatabase {
  if (driver === 'postgres') {
    const name = uniqueDatabaseName('bt_e2e');
    return {
      driver,
      name,
      query: (text, params) => queryPostgres(name, text, params),
      read: (fn) => fn((text, params) => queryPostgres(name, text, params)),
      drop: () => dropDatabase(name),
    };
  }
  const onPglite = (db: PGlite): Query => async <Row>(text: string, params?: unknown[]) => (await db.query<Row>(text, params)).rows;
  return {
    driver,
    name: undefined,
    query: (text, params) => withPglite(pgliteDir(), (db) => onPglite(db)(text, params)),
    read: (fn) => withPglite(pgliteDir(), (db) => fn(onPglite(db))),
    drop: async () => {},
  };
}

/** Sessions of the test database left idle inside a transaction (0 on PGlite, where a server holds the folder). */
export async function transactionsLeftOpen(db: TestDatabase): Promise<number> {
  if (db.name === undefined) return 0;
  const states = await sessionsOn(db.name);
  return states.filter((row) => row.state?.startsWith('idle in transaction')).reduce((sum, row) => sum + row.count, 0);
}

/** Stops the server with SIGTERM; it must exit 0 and leave nothing behind: no PostgreSQL session, no folder lock. */
export async function expectCleanStop(server: RunningServer, db: TestDatabase, projectDir: string): Promise<void> {
  const result = await server.stop();
  expect(result.signal).toBeNull();
  expect(result.code).toBe(0);
  if (db.name) expect(await sessionsLeftOn(db.name)).toBe(0);
  // The embedded database's folder lock is released, so the next command may open it.
  else expect(existsSync(path.join(projectDir, '.backendts', 'db', 'backendts.lock'))).toBe(false);
}
