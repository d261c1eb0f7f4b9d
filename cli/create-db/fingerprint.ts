/**
 * The models' fingerprint, which tells create_db whether a push is needed
 * (the database's is catalog-fingerprint.ts): drizzle-kit's snapshot of the
 * collected schema (every table, column, index, constraint…), without its
 * random ids, with drizzle-kit's version.
 */
import { createHash } from 'node:crypto';
import type { ColumnCasing } from '../../runtime/db/casing.js';
import { preloadDrizzleKit } from './plan.js';
import { drizzleKitVersion } from './tool-versions.js';

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
