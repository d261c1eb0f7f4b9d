/**
 * Fingerprints that tell create_db whether a push is needed, and whether it
 * may plan from the snapshot it stored in the database (see schema-state.ts):
 * - the models: drizzle-kit's snapshot of the collected schema (every table,
 *   column, index, constraint…), without its random ids, with drizzle-kit's
 *   version;
 * - the database: a hash of the identity and row version (`xmin`) of every
 *   catalog row that describes the pushed schemas, with the names and column
 *   types. Any DDL on them, by anyone, writes new catalog rows; so does
 *   dropping and re-creating the database (new oids). Rows written inside a
 *   transaction keep their `xmin` when it commits, so the fingerprint read in
 *   the push's own transaction is the one later runs see.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ColumnCasing } from '../../runtime/db/casing.js';
import { preloadDrizzleKit } from './plan.js';
import type { SqlRunner } from './sql-runner.js';

/**
 * drizzle-kit's snapshot of the models, without the ids that change on every
 * call. Under `casing` (`[database] casing`) its column names are the SQL
 * ones, so a change of the setting is a change of the snapshot.
 */
export async function modelsSnapshot(imports: Record<string, unknown>, schemaNames: readonly string[], casing?: ColumnCasing): Promise<Record<string, unknown>> {
  const { generateDrizzleJson } = await preloadDrizzleKit();
  const { id: _id, prevId: _prevId, ...snapshot } = generateDrizzleJson(imports, undefined, [...schemaNames], casing) as unknown as Record<string, unknown>;
  return snapshot;
}

/** A hash of everything drizzle-kit would compare on the models' side. */
export function modelsFingerprint(snapshot: Record<string, unknown>, schemaNames: readonly string[]): string {
  return createHash('sha256')
    .update(`drizzle-kit ${drizzleKitVersion()}\n${schemaNames.join(',')}\n`)
    .update(JSON.stringify(snapshot))
    .digest('hex');
}

/** A hash of the catalog rows that describe the given schemas of the connected database. */
export async function catalogFingerprint(runner: SqlRunner, schemaNames: readonly string[]): Promise<string> {
  const [row] = await runner.query(catalogQuery(schemaNames));
  return String(row?.fingerprint ?? '');
}

function catalogQuery(schemaNames: readonly string[]): string {
  const names = schemaNames.map((name) => `'${name.replace(/'/g, "''")}'`).join(', ');
  // Each catalog that holds part of a table's, type's or sequence's definition,
  // as (oid or key, xmin): a row written by any later DDL changes the hash.
  // Names and column types go in as well, so two databases built by the same
  // sequence of transactions (a fresh server each time) still differ when
  // their definitions do.
  return `
    with ns as (select oid from pg_namespace where nspname in (${names})),
    rel as (select oid from pg_class where relnamespace in (select oid from ns)),
    typ as (select oid from pg_type where typnamespace in (select oid from ns))
    select md5(coalesce(string_agg(part, ',' order by part), '')) as fingerprint from (
      select 'd' || oid::text as part from pg_database where datname = current_database()
      union all select 'n' || oid || ':' || xmin from pg_namespace where oid in (select oid from ns)
      union all select 'c' || oid || ':' || xmin || ':' || relname || ':' || relkind::text from pg_class where oid in (select oid from rel)
      union all select 'a' || attrelid || '.' || attnum || ':' || xmin || ':' || attname || ':' || atttypid || ':' || atttypmod || ':' || attnotnull
        from pg_attribute where attrelid in (select oid from rel) and attnum > 0
      union all select 'f' || oid || ':' || xmin from pg_attrdef where adrelid in (select oid from rel)
      union all select 'k' || oid || ':' || xmin || ':' || conname || ':' || contype::text from pg_constraint where connamespace in (select oid from ns)
      union all select 'i' || indexrelid || ':' || xmin from pg_index where indrelid in (select oid from rel)
      union all select 's' || seqrelid || ':' || xmin from pg_sequence where seqrelid in (select oid from rel)
      union all select 'r' || oid || ':' || xmin from pg_rewrite where ev_class in (select oid from rel)
      union all select 'p' || oid || ':' || xmin from pg_policy where polrelid in (select oid from rel)
      union all select 't' || oid || ':' || xmin || ':' || typname from pg_type where oid in (select oid from typ)
      union all select 'e' || oid || ':' || xmin from pg_enum where enumtypid in (select oid from typ)
    ) parts`;
}

let kitVersion: string | undefined;

export function drizzleKitVersion(): string {
  if (kitVersion === undefined) {
    // drizzle-kit does not export its package.json; it sits beside the API module.
    const api = createRequire(import.meta.url).resolve('drizzle-kit/api');
    kitVersion = (JSON.parse(readFileSync(path.join(path.dirname(api), 'package.json'), 'utf8')) as { version: string }).version;
  }
  return kitVersion;
}
