/**
 * Helpers for the database tests: a throwaway PostgreSQL database per test
 * file, the shop fixture project served on a free port with a chosen
 * [database], and small HTTP helpers.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { Backendts, type Logger } from '../../runtime/index.js';
import type { ConfigSection } from '../../runtime/project/config.js';
import { setDatabaseHooks } from '../../runtime/db/index.js';
import { logInto } from '../support/log-call.js';

declare module '../../runtime/core/context.js' {
  interface Context {
    /** Called by the shop's /hold route mid-handler; resolves when the handler may go on. */
    probe?: (tag: string) => Promise<void>;
  }
}

/** The database fixture projects. */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/db');

/** The test server. */
export const PG = { host: '127.0.0.1', port: 5432, username: 'postgres' };

/** The shop fixture's tables; `codes.code` is unique only at COMMIT; `stock` has one constraint of each kind. */
export const SHOP_SCHEMA = `
  create table users (id serial primary key, username varchar(50) not null unique, first_name varchar(50), last_name varchar(50));
  create table notes (id serial primary key, owner text not null, body text not null, user_id integer references users(id));
  create table codes (code text not null, constraint codes_code_unique unique (code) deferrable initially deferred);
  create table stock (sku text primary key, quantity integer not null constraint stock_quantity_check check (quantity >= 0), added_by integer references users(id));
`;

/** A PostgreSQL database made for one test file. */
export interface TestDatabase {
  name: string;
  /** Runs SQL as the admin connection (on the `postgres` database). */
  admin: postgres.Sql;
  /** Runs SQL on the test database itself. */
  sql: postgres.Sql;
  /** Connections to the test database that are not idle (a transaction left open counts). */
  busy(): Promise<number>;
  /** Ends every connection to the test database, as a server restart would. */
  terminateAll(): Promise<void>;
  /** Drops the database. */
  drop(): Promise<void>;
}

/** Creates a database with a unique name on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `bt_db_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres({ ...PG, database: 'postgres', max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const sql = postgres({ ...PG, database: name, max: 1, onnotice: () => {} });
  return {
    name,
    admin,
    sql,
    async busy() {
      const [row] = await admin`select count(*)::int as n from pg_stat_activity where datname = ${name} and state <> 'idle'`;
      return row!.n as number;
    },
    async terminateAll() {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name}`;
    },
    async drop() {
      await sql.end({ timeout: 1 });
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name}`;
      await admin.unsafe(`drop database if exists "${name}"`);
      await admin.end();
    },
  };
}

/** The [database] section for a driver: the test database, or an in-memory embedded one. */
export function databaseSection(driver: 'postgres' | 'pglite', database: string | undefined, extra: ConfigSection = {}): ConfigSection {
  const base: ConfigSection =
    driver === 'postgres'
      ? { host: PG.host, port: String(PG.port), name: database, username: PG.username, password: 'not-the-real-one' }
      : { path: 'memory://' };
  return { ...base, ...extra };
}

/** A logger that keeps errors instead of printing them. */
export function quietLogger(): Logger & { errors: unknown[] } {
  const errors: unknown[] = [];
  return { errors, error: logInto(({ error }) => void errors.push(error)), warn: () => {}, info: () => {} };
}

/** The shop project, served with setDatabaseHooks on a free port. */
export interface Shop {
  bp: Backendts;
  url: string;
  /** Every SQL statement sent (the echo log). */
  sql: string[];
  logger: ReturnType<typeof quietLogger>;
  close(): Promise<void>;
}

/** Serves the shop fixture on `database`; its tables are created on startup. */
export async function serveShop(database: ConfigSection, options: { schema?: boolean } = {}): Promise<Shop> {
  const shop = shopProject(database, options);
  const listening = await shop.bp.listen({ port: 0, signals: false });
  return { ...shop, url: listening.url, close: () => shop.bp.close() };
}

/** The shop fixture's project on `database`, not yet started; its tables are created on startup. */
export function shopProject(database: ConfigSection, options: { schema?: boolean } = {}): Omit<Shop, 'url' | 'close'> {
  const sql: string[] = [];
  const logger = quietLogger();
  const bp = new Backendts({
    projectDir: path.join(FIXTURES, 'shop'),
    config: { apps: { active: ['apps/store'] }, database: { echo: 'true', ...database } },
    logger,
  });
  setDatabaseHooks(bp, { log: (statement) => sql.push(statement) });
  if (options.schema !== false) {
    bp.event('startup', async () => {
      const engine = bp.context.db_engine;
      if (engine.driver === 'postgres') await engine.client.unsafe(SHOP_SCHEMA);
      else await engine.client.exec(SHOP_SCHEMA);
    });
  }
  return { bp, sql, logger };
}

/** The shop served on `driver`: a database of its own on PostgreSQL (dropped on close), an in-memory one on PGlite. */
export async function serveShopOn(driver: 'postgres' | 'pglite', extra: ConfigSection = {}): Promise<Shop> {
  const database = driver === 'postgres' ? await createTestDatabase() : undefined;
  try {
    const shop = await serveShop(databaseSection(driver, database?.name, extra));
    return { ...shop, close: () => shop.close().finally(() => database?.drop()) };
  } catch (error) {
    await database?.drop();
    throw error;
  }
}

/** The rows of `db.execute()`: postgres.js answers with the rows, PGlite with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/** How many notes of `owner` are committed. */
export async function countNotes(shop: Pick<Shop, 'bp'>, owner: string): Promise<number> {
  const result = await shop.bp.context.db_engine.db.execute(`select count(*)::int as n from notes where owner = '${owner}'` as never);
  return rowsOf<{ n: number }>(result)[0]!.n;
}

/** A JSON reply. */
export interface Reply {
  status: number;
  json: any;
}

/** Sends a request with a JSON body (or none) and reads the JSON reply. */
export async function call(url: string, method: string, body?: unknown, signal?: AbortSignal): Promise<Reply> {
  const response = await fetch(url, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    ...(signal && { signal }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

/** A promise with its resolve function outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Requests held inside the shop's /hold handler (past their first statement). */
export interface HeldRequests {
  /** Resolves once every owner's request has reached the handler's probe. */
  reached: Promise<void>;
  /** Lets the held requests go on. */
  release(): void;
}

/** Holds the /hold requests of `owners` at the handler's probe until released; others pass. */
export function holdRequests(shop: Shop, owners: readonly string[]): HeldRequests {
  const arrivals = new Map(owners.map((owner) => [owner, deferred()]));
  const goOn = deferred();
  shop.bp.context.probe = async (which) => {
    const arrived = arrivals.get(which);
    if (arrived === undefined) return;
    arrived.resolve();
    await goOn.promise;
  };
  return { reached: Promise.all([...arrivals.values()].map((arrived) => arrived.promise)).then(() => undefined), release: () => goOn.resolve() };
}

/** A unique owner tag for one test's rows. */
export function tag(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
