/**
 * Recognises the Drizzle objects a model module exports and reads the SQL
 * name each one occupies in the database. Uses drizzle-orm's own `is()` and
 * brand checks, which work across two copies of drizzle-orm.
 */
import { getTableName, is, Relations } from 'drizzle-orm';
import {
  getMaterializedViewConfig,
  getViewConfig,
  isPgEnum,
  isPgMaterializedView,
  isPgSequence,
  isPgView,
  PgPolicy,
  PgRole,
  PgSchema,
  PgTable,
  type PgMaterializedView,
} from 'drizzle-orm/pg-core';

/** Where a drizzle table keeps its schema name (drizzle-orm's `Table.Symbol.Schema`, a global symbol). */
const TABLE_SCHEMA = Symbol.for('drizzle:Schema');

/** The kinds of Drizzle object that codegen collects. */
export type CollectedKind =
  | 'table'
  | 'enum'
  | 'relations'
  | 'view'
  | 'materializedView'
  | 'sequence'
  | 'schema'
  | 'role'
  | 'policy';

/** What codegen knows about one exported Drizzle object. */
export interface DrizzleObjectInfo {
  kind: CollectedKind;
  /** The object's name in the database (`relations` have none). */
  sqlName?: string;
  /** The PostgreSQL schema holding it; `public` when none is given. */
  sqlSchema?: string;
}

/**
 * Which PostgreSQL namespace an object's name lives in: tables, views and
 * sequences share one (pg_class), enums another (pg_type), schemas and
 * roles their own. Two objects clash when namespace, schema and name match.
 */
export function sqlNamespace(kind: CollectedKind): string | undefined {
  switch (kind) {
    case 'table':
    case 'view':
    case 'materializedView':
    case 'sequence':
      return 'relation';
    case 'enum':
      return 'type';
    case 'role':
      return 'role';
    default:
      return undefined;
  }
}

/**
 * The PostgreSQL schema a table was declared in (`pgSchema(...).table`), or
 * undefined for the default one. Not from getTableConfig: that builds every
 * column, index and key, and a project may have thousands of tables.
 */
export function tableSchema(table: PgTable): string | undefined {
  return (table as unknown as Record<symbol, string | undefined>)[TABLE_SCHEMA];
}

/** Describes a value as a Drizzle object, or returns undefined when it is not one. */
export function describeDrizzleObject(value: unknown): DrizzleObjectInfo | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  if (isPgEnum(value)) return { kind: 'enum', sqlName: value.enumName, sqlSchema: value.schema ?? 'public' };
  if (typeof value !== 'object') return undefined;
  if (is(value, PgTable)) return { kind: 'table', sqlName: getTableName(value), sqlSchema: tableSchema(value) ?? 'public' };
  if (isPgView(value)) {
    const config = getViewConfig(value);
    return { kind: 'view', sqlName: config.name, sqlSchema: config.schema ?? 'public' };
  }
  if (isPgMaterializedView(value)) {
    const config = getMaterializedViewConfig(value as PgMaterializedView);
    return { kind: 'materializedView', sqlName: config.name, sqlSchema: config.schema ?? 'public' };
  }
  if (isPgSequence(value)) {
    return { kind: 'sequence', sqlName: value.seqName ?? '', sqlSchema: value.schema ?? 'public' };
  }
  if (is(value, Relations)) return { kind: 'relations' };
  if (is(value, PgSchema)) return { kind: 'schema', sqlName: value.schemaName };
  if (is(value, PgRole)) return { kind: 'role', sqlName: value.name };
  if (is(value, PgPolicy)) return { kind: 'policy', sqlName: value.name };
  return undefined;
}
