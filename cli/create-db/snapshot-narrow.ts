/**
 * Narrows two drizzle-kit snapshots to the tables that differ, before they
 * are diffed. drizzle-kit's snapshot-to-snapshot diff validates and walks
 * every table of both (about a second for a thousand tables), although a
 * table that is the same on both sides yields no statement: its diff only
 * reads its own entry. The narrowing is done only when everything outside
 * `tables` (enums, schemas, sequences, roles, views, top-level policies) is
 * the same on both sides: a changed enum, for one, makes drizzle-kit alter
 * the columns of other tables that use it.
 *
 * The stored snapshot comes back from a `jsonb` column, which orders object
 * keys its own way, so entries are compared whatever the order of their keys.
 */

/** A drizzle-kit snapshot (`generateDrizzleJson`), as stored by create_db. */
export type Snapshot = Record<string, unknown>;

/**
 * The two snapshots with every table equal on both sides left out, or the
 * snapshots as they are when anything besides the tables differs.
 */
export function narrowToChangedTables(previous: Snapshot, current: Snapshot): { previous: Snapshot; current: Snapshot } {
  for (const key of new Set([...Object.keys(previous), ...Object.keys(current)])) {
    if (key === 'tables') continue;
    if (!sameJson(previous[key], current[key])) return { previous, current };
  }
  const before = (previous.tables ?? {}) as Record<string, unknown>;
  const after = (current.tables ?? {}) as Record<string, unknown>;
  const same = new Set(Object.keys(before).filter((name) => name in after && sameJson(before[name], after[name])));
  const changed = (tables: Record<string, unknown>) => Object.fromEntries(Object.entries(tables).filter(([name]) => !same.has(name)));
  return { previous: { ...previous, tables: changed(before) }, current: { ...current, tables: changed(after) } };
}

/** Deep equality of two values as JSON: objects are equal whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, index) => sameJson(item, (b as unknown[])[index]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // A key holding undefined is not in JSON: the stored side never has it.
  const keys = Object.keys(left).filter((key) => left[key] !== undefined);
  if (keys.length !== Object.keys(right).filter((key) => right[key] !== undefined).length) return false;
  return keys.every((key) => sameJson(left[key], right[key]));
}
