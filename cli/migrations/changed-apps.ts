/**
 * Which apps a migration is about: those whose tables, enums, sequences or
 * views differ between the last migration's snapshot and the models'.
 */
import type { CollectedEntry } from '../../codegen/collect.js';
import type { Snapshot } from './renames.js';

const SNAPSHOT_FIELDS: Partial<Record<CollectedEntry['kind'], string>> = { table: 'tables', enum: 'enums', sequence: 'sequences', view: 'views' };

/** The apps whose models changed, and the dropped tables no app defines any more. */
export function changedApps(previous: Snapshot, current: Snapshot, entries: readonly CollectedEntry[]): { apps: string[]; orphanTables: string[] } {
  const apps = new Set<string>();
  const owned = new Set<string>();
  for (const entry of entries) {
    const field = SNAPSHOT_FIELDS[entry.kind];
    if (field === undefined || entry.sqlName === undefined) continue;
    const key = `${entry.sqlSchema ?? 'public'}.${entry.sqlName}`;
    owned.add(`${field}:${key}`);
    const before = (previous[field] as Record<string, unknown> | undefined)?.[key];
    const after = (current[field] as Record<string, unknown> | undefined)?.[key];
    if (JSON.stringify(before) !== JSON.stringify(after)) apps.add(entry.app);
  }
  const orphanTables = Object.keys(previous.tables)
    .filter((key) => !owned.has(`tables:${key}`) && current.tables[key] === undefined)
    .map((key) => (key.startsWith('public.') ? key.slice('public.'.length) : key));
  return { apps: [...apps].sort(), orphanTables: orphanTables.sort() };
}
