/**
 * The databases the suite makes for itself: one per run, with a random name,
 * created before and dropped after, so nothing else on the server is touched.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** Number of users seeded before the HTTP load; GET /users/<id> reads ids 1..SEEDED_USERS. */
export const SEEDED_USERS = 10_000;

/** The workload's table, as plain SQL (the same shape as the Drizzle declarations). */
export const USERS_DDL = `create table users (
  id integer primary key generated always as identity,
  first_name varchar(50),
  last_name varchar(50)
)`;

const SEED_SQL = `insert into users (first_name, last_name)
  select 'First' || n, 'Last' || n from generate_series(1, ${SEEDED_USERS}) as n`;

/**
 * A database name no one else uses: `bench_<purpose>_<random>` (the prefix
 * is `BENCH_DATABASE_PREFIX` when set, for a server shared with other runs).
 */
export function uniqueName(purpose) {
  return `${process.env.BENCH_DATABASE_PREFIX || 'bench'}_${purpose}_${randomBytes(4).toString('hex')}`;
}

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin(serverUrl, work) {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** Creates an empty database; returns its URL. */
export async function createDatabase(serverUrl, name) {
  await withAdmin(serverUrl, (sql) => sql.unsafe(`create database "${name}"`));
  return databaseUrl(serverUrl, name);
}

/** Drops a database the suite created (closing any connection left to it). */
export async function dropDatabase(serverUrl, name) {
  await withAdmin(serverUrl, (sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
}

/** Creates the users table in a PostgreSQL database and seeds it. */
export async function seedPostgres(url) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(USERS_DDL);
    await sql.unsafe(SEED_SQL);
    await sql.unsafe('vacuum analyze users');
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** Removes the rows a write benchmark added, so every contender starts from the same table. */
export async function resetPostgres(url) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`delete from users where id > ${SEEDED_USERS}`;
    await sql.unsafe('vacuum analyze users');
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** Creates the users table in an embedded (PGlite) data folder and seeds it. */
export async function seedPglite(dataDir) {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(dataDir);
  try {
    await db.exec(USERS_DDL);
    await db.exec(SEED_SQL);
  } finally {
    await db.close();
  }
}
