/**
 * The database handle's type. Codegen's `.backendts/types.d.ts` registers the
 * project's schema here by declaration merging:
 *
 * ```ts
 * declare module 'backendts/db' {
 *   interface Register { schema: typeof import('./schema.js') }
 * }
 * ```
 *
 * so `request.app.context.db_session()` knows every table (and `db.query.<table>`).
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** Filled in by the generated `.backendts/types.d.ts` with the project's schema. */
export interface Register {}

/** Any schema record: what Drizzle takes as `schema`. */
export type AnySchema = Record<string, unknown>;

/** The project's schema when codegen has registered it, otherwise an untyped record. */
export type RegisteredSchema = Register extends { schema: infer S extends AnySchema } ? S : AnySchema;

/** A Drizzle PostgreSQL database typed with `TSchema` (the project's schema by default). */
export type DbSession<TSchema extends AnySchema = RegisteredSchema> = PgDatabase<PgQueryResultHKT, TSchema>;
