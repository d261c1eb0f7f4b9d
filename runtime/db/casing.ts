/**
 * `[database] casing`: how Drizzle names a column declared without a name
 * (`baseAmount: numeric()`). Unset, the key is the column's name; with
 * `snake_case` it is `base_amount`, with `camelCase` `baseAmount`. The
 * runtime's Drizzle handles, codegen and `create_db` all read it here, so
 * the queries and the tables always use the same names.
 */
import { toCamelCase, toSnakeCase } from 'drizzle-orm/casing';
import type { Config } from '../project/config.js';
import { readSetting } from '../project/settings-table.js';

/** The values `[database] casing` accepts (Drizzle's `casing` option). */
export type ColumnCasing = 'snake_case' | 'camelCase';

/**
 * Reads `[database] casing`; undefined when it is not set (a column without
 * a name is named after its key, as Drizzle does by default). Any other
 * value fails with `BT_DB_SETTING_INVALID`.
 */
export function readColumnCasing(config: Config, configFile = 'config.ini'): ColumnCasing | undefined {
  return readSetting(config, 'database', 'casing', configFile);
}

/** Drizzle's `casing` option for a handle (`drizzle({ client, schema, ...drizzleCasing(settings) })`): none when unset. */
export function drizzleCasing(settings: { casing?: ColumnCasing | undefined }): { casing?: ColumnCasing } {
  return settings.casing === undefined ? {} : { casing: settings.casing };
}

/** What a column (or an index's column) says about its name. */
export interface ColumnNaming {
  /** Its name, or its key when it was declared without one. */
  name: string;
  /** True when it was declared without a name (`baseAmount: numeric()`). */
  keyAsName?: boolean;
}

/**
 * A column's name in SQL under `casing`, as drizzle-orm and drizzle-kit
 * derive it: an explicit name as written, a key converted
 * (`baseAmount` → `base_amount` under `snake_case`).
 */
export function sqlColumnName(column: ColumnNaming, casing: ColumnCasing | undefined): string {
  if (!column.keyAsName || casing === undefined) return column.name;
  return casing === 'snake_case' ? toSnakeCase(column.name) : toCamelCase(column.name);
}
