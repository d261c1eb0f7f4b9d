/**
 * The database's fingerprint, which tells create_db whether it may plan
 * from the snapshot it stored (see schema-state.ts): a hash of the identity
 * and row version (`xmin`) of every catalog row that describes the pushed
 * schemas, with the names and column types. Any DDL on them, by anyone,
 * writes new catalog rows; so does dropping and re-creating the database
 * (new oids). Rows written inside a transaction keep their `xmin` when it
 * commits, so the fingerprint read in the push's own transaction is the one
 * later runs see.
 */
import type { SqlRunner } from './sql-runner.js';

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
