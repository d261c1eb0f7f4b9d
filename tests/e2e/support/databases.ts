/**
 * Direct access to the databases the end-to-end projects write to, so tests
 * check rows where they live rather than through the server under test.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

/** The PostgreSQL server the tests use (trust auth). */
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

/** A database name no other run uses. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** The connection URL of a database on the test server. */
export function postgresUrl(database: string): string {
  return `postgres://${PG.user}@${PG.host}:${PG.port}/${database}`;
}

/** Opens a short-lived connection to the server's maintenance database. */
function admin() {
  return postgres({ ...PG, database: 'postgres', max: 1, onnotice: () => {} });
}

/** True when the database exists on the server. */
export async function databaseExists(database: string): Promise<boolean> {
  const sql = admin();
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    return rows.length === 1;
  } finally {
    await sql.end();
  }
}

/** Drops the database (and any session left on it); fine when it is missing. */
export async function dropDatabase(database: string): Promise<void> {
  const sql = admin();
  try {
    await sql.unsafe(`drop database if exists "${database.replace(/"/g, '""')}" with (force)`);
  } finally {
    await sql.end();
  }
}

/** Sessions open on the database, other than ours, grouped by state. */
export async function sessionsOn(database: string): Promise<{ state: string | null; count: number }[]> {
  const sql = admin();
  try {
    const rows = await sql<{ state: string | null; count: number }[]>`
      select state, count(*)::int as count from pg_stat_activity
      where datname = ${database} and pid <> pg_backend_pid()
      group by state order by state`;
    return [...rows];
  } finally {
    await sql.end();
  }
}

/**
 * Waits (bounded) until no session is left on the database and returns how
 * many remain: a backend may need a moment to notice its client has gone.
 */
export async function sessionsLeftOn(database: string): Promise<number> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const total = (await sessionsOn(database)).reduce((sum, row) => sum + row.count, 0);
    if (total === 0 || Date.now() > deadline) return total;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs one query on a PostgreSQL database and closes the connection. */
export async function queryPostgres<Row>(database: string, text: string, params: unknown[] = []): Promise<Row[]> {
  const sql = postgres({ ...PG, database, max: 1, onnotice: () => {} });
  try {
    return [...(await sql.unsafe(text, params as never[]))] as Row[];
  } finally {
    await sql.end();
  }
}

/**
 * Opens a PGlite data folder (no server may have it open), runs `fn` on it and
 * closes it: opening costs about a second, so tests batch their reads.
 */
export async function withPglite<T>(dataDir: string, fn: (db: PGlite) => Promise<T>): Promise<T> {
  const db = await PGlite.create(dataDir);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
