/**
 * Collects every Drizzle object exported by the active apps' model modules
 * into one schema record: the single source that the runtime, `create_db`
 * and the generated files all use, so they never disagree.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { loadConfig, type Config } from '../runtime/config.js';
import { readColumnCasing } from '../runtime/db/casing.js';
import { BackendtsError } from '../runtime/errors.js';
import { activeAppEntries, loadApps, locateApp, type LoadedApp } from '../runtime/project.js';
import { importModules } from './import-modules.js';
import { checkIdentifierLengths } from './identifier-length.js';
import { describeDrizzleObject, type CollectedKind } from './kinds.js';
import { registerTypeScriptLoader } from './load-typescript.js';
import { displayPath, importModelModules, resolveModelModules } from './model-modules.js';
import { checkSqlNames, uniqueNames, type NamedObject } from './naming.js';

/** Options of {@link collectSchema}. */
export interface CollectSchemaOptions {
  /** The project folder (holding config.ini). */
  projectDir: string;
  /** Environment name selecting `config.<env>.ini`; defaults to `BACKENDTS_ENV`. */
  env?: string | undefined;
}

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

/** Everything collected from a project's model modules. */
export interface CollectedSchema {
  /** Absolute project folder. */
  projectDir: string;
  /** The config file that listed the apps, and its content. */
  configFile: string;
  config: Config;
  /** The active apps, in config order. */
  apps: LoadedApp[];
  /** Apps in config order, their model modules in listed order, exports by name. */
  entries: CollectedEntry[];
  /** `{ [unique name]: object }`: what Drizzle (`drizzle(client, { schema })`) and drizzle-kit take. */
  schema: Record<string, unknown>;
  /** Fingerprint of the collected set; written into the generated files' headers. */
  hash: string;
}

/**
 * Loads config.ini and the active apps, imports every model module, and
 * collects the Drizzle objects they export. Fails (BackendtsError naming the
 * app and file) on a missing app, a bad or missing models entry, a module
 * that fails to import or exports nothing, or clashing names.
 */
export async function collectSchema(options: CollectSchemaOptions): Promise<CollectedSchema> {
  const projectDir = path.resolve(options.projectDir);
  const { config, file: configFile } = loadConfig(projectDir, { env: options.env });
  await registerTypeScriptLoader(projectDir);
  await preloadAppMains(projectDir, config, configFile);
  const apps = await loadApps(projectDir, config, configFile);
  const modules = await importModelModules(projectDir, resolveModelModules(projectDir, apps));

  const pending: (Omit<CollectedEntry, 'name'> & NamedObject)[] = [];
  const owned = new Set<unknown>();
  for (const module of modules) {
    const displayFile = displayPath(projectDir, module.file);
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
  checkIdentifierLengths(pending, readColumnCasing(config, configFile));
  const names = uniqueNames(pending);
  const entries: CollectedEntry[] = pending.map(({ displayFile: _displayFile, ...entry }, index) => ({ ...entry, name: names[index]! }));
  const schema: Record<string, unknown> = {};
  for (const entry of entries) schema[entry.name] = entry.object;
  return { projectDir, configFile, config, apps, entries, schema, hash: hashEntries(projectDir, entries) };
}

/**
 * Loads every app's main module in one go (in parallel, evaluated in config
 * order); `loadApps` then takes them from the module cache, in config order,
 * and reports any failure, naming the app.
 */
async function preloadAppMains(projectDir: string, config: Config, configFile: string): Promise<void> {
  const files: string[] = [];
  for (const entry of activeAppEntries(config)) {
    try {
      files.push(locateApp(entry, projectDir, configFile).mainFile);
    } catch {
      return;
    }
  }
  await importModules(files);
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
