/** The PostgreSQL server of the tests (127.0.0.1:5432, user postgres, trust auth). */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** A database name no other test uses. */
export function uniqueDatabaseName(prefix: string): string {
  return `bt_cli_${prefix}_${randomBytes(5).toString('hex')}`;
}

/** The URL of a database on the test server. */
export function postgresUrl(database: string, port = 5432): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

/** Runs one query on a database of the test server. */
export async function queryPostgres<Row = Record<string, unknown>>(database: string, text: string): Promise<Row[]> {
  const sql = postgres({ host: '127.0.0.1', port: 5432, user: 'postgres', database, max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(text)) as unknown as Row[];
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** True when the database exists. */
export async function databaseExists(database: string): Promise<boolean> {
  const rows = await queryPostgres('postgres', `select 1 from pg_database where datname = '${database.replace(/'/g, "''")}'`);
  return rows.length === 1;
}

/** Drops a database (and its sessions) if it exists. */
export async function dropDatabase(database: string): Promise<void> {
  await queryPostgres('postgres', `drop database if exists "${database.replace(/"/g, '""')}" with (force)`);
}
