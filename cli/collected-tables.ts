/** The lines create_db and makemigrations print once the models are collected. */
import type { CollectedSchema } from '../codegen/collect.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * `collected 3 tables from 2 apps`, counting only the apps that define a
 * table, and naming how many active apps define none (an app of routes
 * only, or one whose model modules are not listed yet).
 */
export function collectedTablesLine(collected: Pick<CollectedSchema, 'apps' | 'entries'>): string {
  const tables = collected.entries.filter((entry) => entry.kind === 'table');
  const withTables = new Set(tables.map((entry) => entry.app)).size;
  const without = collected.apps.length - withTables;
  const rest = without === 0 ? '' : ` (${plural(without, 'active app')} ${without === 1 ? 'defines' : 'define'} none)`;
  return `collected ${plural(tables.length, 'table')} from ${plural(withTables, 'app')}${rest}`;
}

/**
 * The line create_db's `--verbose` adds: `modules loaded from one bundle of 201 source
 * files`, or `modules loaded one by one: <why no bundle>`.
 */
export function moduleLoadingLine({ loadedFrom }: Pick<CollectedSchema, 'loadedFrom'>): string {
  if ('bundle' in loadedFrom) return `modules loaded from one bundle of ${plural(loadedFrom.bundle.length, 'source file')}`;
  return `modules loaded one by one: ${loadedFrom.files}`;
}
