/**
 * A database's schema as sorted lines of text, read from the catalog with no
 * oids nor positions in it, so that two databases built different ways (one
 * change after another, or at once from the same models) compare equal
 * exactly when their definitions do. Works on PostgreSQL and PGlite alike.
 */
import type { Query } from './inspect.js';

/** The schema objects of the given PostgreSQL schemas (and the database's extensions), one sorted line each. */
export async function catalogLines(query: Query, schemas: readonly string[]): Promise<string[]> {
  const names = schemas.map((name) => `'${name.replace(/'/g, "''")}'`).join(', ');
  const rows = await query<{ line: string }>(`
    with ns as (select oid, nspname from pg_namespace where nspname in (${names})),
    rel as (select c.oid, n.nspname || '.' || c.relname as name, c.relkind, c.relrowsecurity from pg_class c join ns n on n.oid = c.relnamespace)
    select line from (
      select 'schema ' || nspname as line from ns
      union all select 'extension ' || extname from pg_extension
      union all select 'relation ' || name || ' ' || relkind::text || case when relrowsecurity then ' rls' else '' end from rel where relkind in ('r', 'p', 'v', 'm', 'S', 'i')
      union all select 'column ' || r.name || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
          || case when a.attnotnull then ' not null' else '' end
          || coalesce(case when a.attgenerated = 's' then ' generated ' else ' default ' end || pg_get_expr(d.adbin, d.adrelid), '')
          || case when a.attidentity <> '' then ' identity ' || a.attidentity::text else '' end
        from pg_attribute a join rel r on r.oid = a.attrelid left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attnum > 0 and not a.attisdropped and r.relkind in ('r', 'p', 'v', 'm')
      union all select 'constraint ' || r.name || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) from pg_constraint k join rel r on r.oid = k.conrelid
      union all select 'index ' || pg_get_indexdef(i.indexrelid) from pg_index i join rel r on r.oid = i.indrelid
      union all select 'policy ' || schemaname || '.' || tablename || ' ' || policyname || ' ' || permissive || ' ' || array_to_string(roles, ',') || ' ' || cmd
          || ' using ' || coalesce(qual, '-') || ' check ' || coalesce(with_check, '-')
        from pg_policies where schemaname in (${names})
      union all select 'view ' || schemaname || '.' || viewname || ' ' || definition from pg_views where schemaname in (${names})
      union all select 'enum ' || n.nspname || '.' || t.typname || ' ' || string_agg(e.enumlabel, ',' order by e.enumsortorder)
        from pg_type t join ns n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid group by n.nspname, t.typname
      union all select 'sequence ' || r.name || ' ' || format_type(s.seqtypid, null) || ' start ' || s.seqstart || ' by ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax
        from pg_sequence s join rel r on r.oid = s.seqrelid
    ) lines order by line collate "C"`);
  return rows.map((row) => row.line);
}
