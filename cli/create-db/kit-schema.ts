/**
 * The schema record as drizzle-kit must see it. drizzle-kit only creates and
 * compares the PostgreSQL schemas that are exported as `pgSchema` objects; a
 * table may live in a `pgSchema` its module never exports, so the schema
 * names are taken from the collected tables (and enums, views, sequences)
 * themselves, and a `pgSchema` object is added for each one missing.
 */
import { is } from 'drizzle-orm';
import {
  getMaterializedViewConfig,
  getViewConfig,
  isPgEnum,
  isPgSequence,
  PgMaterializedView,
  PgSchema,
  PgTable,
  PgView,
  pgSchema,
} from 'drizzle-orm/pg-core';
import { tableSchema } from '../../runtime/schema/drizzle-kinds.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { STATE_SCHEMA } from './schema-state.js';

/** The collected schema plus a `pgSchema` for every schema the collected objects use. */
export interface KitSchema {
  /** What drizzle-kit takes (`pushSchema`, `generateDrizzleJson`). */
  imports: Record<string, unknown>;
  /** The database schemas to compare: `public` plus every one in use, sorted. */
  schemaNames: string[];
}

/** Builds the record drizzle-kit compares; refuses models in the schema create_db keeps its state in. */
export function kitSchema(schema: Record<string, unknown>): KitSchema {
  const used = new Set(['public']);
  const exported = new Set<string>();
  for (const value of Object.values(schema)) {
    if (is(value, PgSchema)) exported.add(value.schemaName);
    const name = schemaOf(value);
    if (name !== undefined) used.add(name);
  }
  for (const name of exported) used.add(name);
  if (used.has(STATE_SCHEMA)) {
    throw new BackendtsError('BT_CREATE_DB_RESERVED_SCHEMA', `a model uses the PostgreSQL schema "${STATE_SCHEMA}", which create_db keeps its own state in`, {
      hint: `put the model's objects in another schema (pgSchema('...'))`,
    });
  }
  const imports = { ...schema };
  for (const name of used) {
    // `public` is drizzle-kit's default schema; it must not be declared.
    if (name !== 'public' && !exported.has(name)) imports[`__backendts_schema_${name}`] = pgSchema(name);
  }
  return { imports, schemaNames: [...used].sort() };
}

function schemaOf(value: unknown): string | undefined {
  if (is(value, PgTable)) return tableSchema(value);
  if (is(value, PgMaterializedView)) return getMaterializedViewConfig(value).schema;
  if (is(value, PgView)) return getViewConfig(value).schema;
  if (isPgEnum(value)) return (value as unknown as { schema?: string }).schema;
  if (isPgSequence(value)) return value.schema;
  return undefined;
}
