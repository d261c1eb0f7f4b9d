/**
 * Collects every Drizzle object exported by the model modules of apps the
 * project already loaded into one schema record. The runtime
 * (`setDatabaseHooks`) and codegen both build their schema here, so the
 * server, `create_db` and the generated files never disagree.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describeDrizzleObject, type CollectedKind } from './drizzle-kinds.js';
import { BackendtsError } from '../core/errors.js';
import { displayPath, importModelModules, resolveModelModules } from './model-modules.js';
import type { LoadedApp } from '../project/apps.js';
import type { ModuleImporter } from '../project/import-modules.js';
import { checkSqlNames, uniqueNames, type NamedObject } from './schema-names.js';

/** One collected Drizzle object. */
export interface CollectedEntry {
  /** Name of the app whose model module exports it. */
  app: string;
  /** Absolute path of that model module. */
  file: string;
  /** The `models` entry that names the module, as the app wrote it. */
  modelPath: string;
  /** The name it is exported under in the model module. */
  exportName: string;
  /** Its unique name in the schema: the export name, or `<app>_<export>` when two apps use that export name. */
  name: string;
  kind: CollectedKind;
  /** Its name in the database (tables, enums, views, sequences, schemas, roles, policies). */
  sqlName?: string;
  /** The PostgreSQL schema holding it (`public` unless the model says otherwise). */
  sqlSchema?: string;
  /** The Drizzle object itself. */
  object: unknown;
}

/** An exported Drizzle object before it gets its unique name, as extra checks see it. */
export type PendingEntry = Omit<CollectedEntry, 'name'> & NamedObject;

/** The Drizzle objects of a project's loaded apps. */
export interface AppSchema {
  /** Apps in config order, their model modules in listed order, exports by name. */
  entries: CollectedEntry[];
  /** `{ [unique name]: object }`: what Drizzle (`drizzle(client, { schema })`) and drizzle-kit take. */
  schema: Record<string, unknown>;
  /** Fingerprint of the collected set; the generated files' headers carry it. */
  hash: string;
}

/** Options of {@link collectAppSchema}. */
export interface CollectAppSchemaOptions {
  /** More checks of the objects, run after the SQL-name check and before naming (codegen's identifier lengths). */
  checks?: readonly ((entries: readonly PendingEntry[]) => void)[];
  /** Gives the model modules' exports when they were loaded another way (codegen's bundle); by default each is imported from its file. */
  importer?: ModuleImporter;
}

/**
 * Imports the model modules of `apps` (loaded by `loadApps`) and collects
 * the Drizzle objects they export. Fails (BackendtsError naming the app and
 * file) on a bad or missing models entry, a module that fails to import or
 * exports nothing, or clashing names.
 */
export async function collectAppSchema(
  projectDir: string,
  apps: readonly LoadedApp[],
  options: CollectAppSchemaOptions = {},
): Promise<AppSchema> {
  const root = path.resolve(projectDir);
  const modules = await importModelModules(root, resolveModelModules(root, apps), options.importer);
  const pending: PendingEntry[] = [];
  const owned = new Set<unknown>();
  for (const module of modules) {
    const displayFile = displayPath(root, module.file);
    let found = 0;
    for (const exportName of Object.keys(module.exports).sort(compareNames)) {
      const object = module.exports[exportName];
      const info = describeDrizzleObject(object);
      if (!info) continue;
      found++;
      if (exportName === 'default') {
        throw new BackendtsError(
          'BT_MODEL_DEFAULT_EXPORT',
          `app "${module.app.name}": model module ${displayFile} exports a Drizzle ${info.kind} as default`,
          { hint: 'export it under a name (export const users = pgTable(...)); the name is used in the schema' },
        );
      }
      // A re-export of an object another module already gave (an app's models/index.ts, or another app's table) is the same object: collect it once.
      if (owned.has(object)) continue;
      owned.add(object);
      pending.push({ app: module.app.name, file: module.file, displayFile, modelPath: module.modelPath, exportName, object, ...info });
    }
    if (found === 0) {
      throw new BackendtsError(
        'BT_MODEL_EMPTY',
        `app "${module.app.name}": model module ${displayFile} exports no Drizzle object (table, enum, relations, view, sequence or schema)`,
        { hint: 'export its tables (export const posts = pgTable(...)), or remove the entry from the app\'s models' },
      );
    }
  }

  checkSqlNames(pending);
  for (const check of options.checks ?? []) check(pending);
  const names = uniqueNames(pending);
  const entries: CollectedEntry[] = pending.map(({ displayFile: _displayFile, ...entry }, index) => ({ ...entry, name: names[index]! }));
  const schema: Record<string, unknown> = {};
  for (const entry of entries) schema[entry.name] = entry.object;
  return { entries, schema, hash: hashEntries(root, entries) };
}

/** Code-unit order, the same on every machine and locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Hashes what the generated files depend on: which object each unique name
 * is (app, module, export, kind, SQL name). Column changes need no
 * regeneration: the generated types follow the model modules.
 */
function hashEntries(projectDir: string, entries: readonly CollectedEntry[]): string {
  const hash = createHash('sha256').update('backendts-codegen/1\n');
  for (const entry of entries) {
    const file = displayPath(projectDir, entry.file);
    hash.update(JSON.stringify([entry.app, file, entry.exportName, entry.name, entry.kind, entry.sqlSchema ?? null, entry.sqlName ?? null]) + '\n');
  }
  return hash.digest('hex').slice(0, 16);
}
