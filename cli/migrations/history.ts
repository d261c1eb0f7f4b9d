/**
 * The record of applied migrations, kept in the database in a table
 * backendts owns, `backendts.migrations` (beside create_db's
 * `backendts.schema_state`): one row per migration, written in the
 * migration's own transaction, so a migration that fails records nothing.
 */
import { STATE_SCHEMA } from '../create-db/schema-state.js';
import { sqlLiteral as literal } from '../create-db/sql-literal.js';
import type { SqlRunner } from '../create-db/sql-runner.js';

/** The table, qualified. */
export const MIGRATIONS_TABLE = `${STATE_SCHEMA}.migrations`;

/** One applied migration. */
export interface AppliedMigration {
  name: string;
  checksum: string;
  /** When it was applied (ISO 8601, UTC). */
  appliedAt: string;
  /** How long its statements took; 0 for one marked applied without running (the database already matched it). */
  durationMs: number;
}

/** The applied migrations, in order; none when the table is not there. */
export async function readApplied(runner: SqlRunner): Promise<AppliedMigration[]> {
  const [exists] = await runner.query(`select to_regclass('${MIGRATIONS_TABLE}') is not null as present`);
  if (!exists?.present) return [];
  const rows = await runner.query(
    `select name, checksum, to_char(applied_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as applied_at, duration_ms from ${MIGRATIONS_TABLE} order by name`,
  );
  return rows.map((row) => ({
    name: String(row.name),
    checksum: String(row.checksum),
    appliedAt: String(row.applied_at),
    durationMs: Number(row.duration_ms),
  }));
}

/** Records one migration; call it inside the migration's transaction. */
export async function recordApplied(runner: SqlRunner, name: string, checksum: string, durationMs: number): Promise<void> {
  await runner.query(`create schema if not exists ${STATE_SCHEMA}`);
  await runner.query(
    `create table if not exists ${MIGRATIONS_TABLE} (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now(),
      duration_ms integer not null
    )`,
  );
  await runner.query(`insert into ${MIGRATIONS_TABLE} (name, checksum, duration_ms) values (${literal(name)}, ${literal(checksum)}, ${Math.round(durationMs)})`);
}
