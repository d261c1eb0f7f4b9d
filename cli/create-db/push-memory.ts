/**
 * What `create_db` remembers of its last push to each database, so a run
 * with nothing to do skips drizzle-kit's comparison (minutes on a large
 * schema: it reads the catalog table by table).
 *
 * A run is known to have nothing to do when both are as they were right
 * after the last successful push:
 * - the models: a hash of drizzle-kit's snapshot of the collected schema
 *   (every table, column, index, constraint…), with drizzle-kit's version;
 * - the database: a hash of the identity and row version (`xmin`) of every
 *   catalog row that describes the pushed schemas, with the names and column
 *   types. Any DDL on them, by anyone, writes new catalog rows; so does
 *   dropping and re-creating the database (new oids).
 * When either differs, or nothing is remembered, the full comparison runs.
 *
 * Kept in `.backendts/create_db.json`, keyed by the database's description
 * (host, port and name, or the embedded folder; never a password). Deleting
 * the file forces a full comparison.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GENERATED_DIR } from '../../codegen/emit.js';
import { preloadDrizzleKit } from './plan.js';
import type { SqlRunner } from './sql-runner.js';

/** The file, inside the project folder. */
export const PUSH_MEMORY_FILE = path.join(GENERATED_DIR, 'create_db.json');

/** The state of a database and the models: the models' hash and the catalog's. */
export interface PushState {
  models: string;
  catalog: string;
}

/** The last push to each database of a project. */
export class PushMemory {
  private constructor(
    private readonly file: string,
    private readonly entries: Record<string, PushState>,
  ) {}

  /** Reads the project's memory; an absent or unreadable file remembers nothing. */
  static async load(projectDir: string): Promise<PushMemory> {
    const file = path.join(projectDir, PUSH_MEMORY_FILE);
    let entries: Record<string, PushState> = {};
    try {
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) entries = parsed as Record<string, PushState>;
    } catch {
      // Nothing remembered: the full comparison runs.
    }
    return new PushMemory(file, entries);
  }

  /** True when the database and the models are exactly as right after the last push to it. */
  unchanged(database: string, now: PushState): boolean {
    const last = this.entries[database];
    return last !== undefined && last.models === now.models && last.catalog === now.catalog;
  }

  /** Records the state right after a push (written whole, through a temporary file). */
  async remember(database: string, now: PushState): Promise<void> {
    this.entries[database] = now;
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(this.entries, null, 2)}\n`);
    await rename(temporary, this.file);
  }
}

/** A hash of everything drizzle-kit would compare on the models' side. */
export async function modelsFingerprint(schema: Record<string, unknown>, schemaNames: readonly string[]): Promise<string> {
  const { generateDrizzleJson } = await preloadDrizzleKit();
  // `id` is random on every call; the rest is a pure function of the models.
  const { id: _id, prevId: _prevId, ...snapshot } = generateDrizzleJson(schema, undefined, [...schemaNames]) as unknown as Record<string, unknown>;
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

function drizzleKitVersion(): string {
  if (kitVersion === undefined) {
    // drizzle-kit does not export its package.json; it sits beside the API module.
    const api = createRequire(import.meta.url).resolve('drizzle-kit/api');
    kitVersion = (JSON.parse(readFileSync(path.join(path.dirname(api), 'package.json'), 'utf8')) as { version: string }).version;
  }
  return kitVersion;
}
