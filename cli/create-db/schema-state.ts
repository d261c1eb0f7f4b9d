/**
 * What create_db last pushed, kept in the database itself: drizzle-kit's
 * snapshot of the models (`generateDrizzleJson`) and the catalog fingerprint
 * right after the push. The next run plans from that snapshot
 * (`generateMigration(stored, models)`: no introspection) as long as the
 * fingerprint still matches.
 *
 * One row per push in `backendts.schema_state`, written in the transaction
 * of the change it describes. The `backendts` schema is never among the
 * schemas drizzle-kit compares (models may not use it), so create_db never
 * sees this table as one to drop, and writing it does not change the
 * fingerprint of the pushed schemas.
 */
import { BackendtsError } from '../../runtime/core/errors.js';
import type { ModelSources } from './model-sources.js';
import { sqlLiteral as literal } from './sql-literal.js';
import type { SqlRunner } from './sql-runner.js';

/** The PostgreSQL schema holding create_db's own table. */
export const STATE_SCHEMA = 'backendts';
/** The table, qualified. */
export const STATE_TABLE = `${STATE_SCHEMA}.schema_state`;

/** One recorded push. */
export interface SchemaState {
  /** drizzle-kit's snapshot of the models that were pushed (without its random ids). */
  snapshot: Record<string, unknown>;
  /** Hash of that snapshot, with drizzle-kit's version (see `modelsFingerprint`). */
  models: string;
  /** The catalog fingerprint of the pushed schemas right after the push. */
  catalog: string;
  /** drizzle-kit's version: a snapshot written by another version is not diffed. */
  kitVersion: string;
  /** What the models were loaded from, when it could be recorded (see model-sources.ts). */
  sources?: PushedSources | undefined;
}

/** The sources of a push, with the schemas whose catalog fingerprint it recorded. */
export interface PushedSources extends ModelSources {
  schemaNames: string[];
}

/**
 * A recorded push as read back: its fingerprints at once, its snapshot
 * (megabytes for a large schema) only when a plan is made from it.
 */
export interface StoredSchemaState extends Omit<SchemaState, 'snapshot'> {
  /** Reads the stored snapshot (on the runner the state was read on). */
  readSnapshot(): Promise<Record<string, unknown>>;
}

/** The last recorded push, or undefined when none was recorded (or the table is not there). */
export async function readSchemaState(runner: SqlRunner): Promise<StoredSchemaState | undefined> {
  // The sources column came later: a table written by an older backendts has none.
  const [exists] = await runner.query(
    `select to_regclass('${STATE_TABLE}') is not null as present,
      exists (select 1 from pg_attribute where attrelid = to_regclass('${STATE_TABLE}') and attname = 'sources' and not attisdropped) as has_sources`,
  );
  if (!exists?.present) return undefined;
  const sources = exists.has_sources ? 'sources::text as sources' : 'null as sources';
  const [row] = await runner.query(`select id, models, catalog, kit_version, ${sources} from ${STATE_TABLE} order by id desc limit 1`);
  if (row === undefined) return undefined;
  return {
    models: String(row.models),
    catalog: String(row.catalog),
    kitVersion: String(row.kit_version),
    sources: typeof row.sources === 'string' ? (JSON.parse(row.sources) as PushedSources) : undefined,
    readSnapshot: async () => {
      const [stored] = await runner.query(`select snapshot::text as snapshot from ${STATE_TABLE} where id = ${Number(row.id)}`);
      return JSON.parse(String(stored?.snapshot)) as Record<string, unknown>;
    },
  };
}

/** Records a push; call it on the runner of the push's own transaction. */
export async function writeSchemaState(runner: SqlRunner, state: SchemaState): Promise<void> {
  try {
    await insertState(runner, state);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new BackendtsError('BT_CREATE_DB_STATE', `recording the pushed schema in ${STATE_TABLE} failed, nothing was changed: ${detail}`, {
      hint: `let the database user create the schema "${STATE_SCHEMA}" (GRANT CREATE ON DATABASE ...), or create it for that user, then run create_db again`,
      cause: error,
    });
  }
}

/**
 * Records other sources for the last push's models (they gave the same
 * snapshot); call it in a transaction, under create_db's lock.
 */
export async function recordSources(runner: SqlRunner, sources: PushedSources): Promise<void> {
  await addSourcesColumn(runner);
  await runner.query(
    `update ${STATE_TABLE} set sources = ${literal(JSON.stringify(sources))}::jsonb where id = (select max(id) from ${STATE_TABLE})`,
  );
}

async function insertState(runner: SqlRunner, state: SchemaState): Promise<void> {
  await runner.query(`create schema if not exists ${STATE_SCHEMA}`);
  await runner.query(
    `create table if not exists ${STATE_TABLE} (
      id bigint generated always as identity primary key,
      pushed_at timestamptz not null default now(),
      kit_version text not null,
      models text not null,
      catalog text not null,
      snapshot jsonb not null
    )`,
  );
  await addSourcesColumn(runner);
  const sources = state.sources === undefined ? 'null' : `${literal(JSON.stringify(state.sources))}::jsonb`;
  await runner.query(
    `insert into ${STATE_TABLE} (kit_version, models, catalog, snapshot, sources) values (${literal(state.kitVersion)}, ${literal(state.models)}, ${literal(state.catalog)}, ${literal(JSON.stringify(state.snapshot))}::jsonb, ${sources})`,
  );
}

/** The `sources` column, which a table written by an older backendts lacks. */
async function addSourcesColumn(runner: SqlRunner): Promise<void> {
  await runner.query(`alter table ${STATE_TABLE} add column if not exists sources jsonb`);
}
