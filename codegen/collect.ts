/**
 * Collects every Drizzle object exported by the active apps' model modules
 * into one schema record, for codegen and `create_db`: reads config.ini,
 * loads the apps, then collects as the runtime does (`collectAppSchema`),
 * with codegen's own checks (identifier lengths, views under `[database] casing`).
 */
import path from 'node:path';
import { collectAppSchema, type CollectedEntry } from '../runtime/schema/app-schema.js';
import { loadConfig, type Config } from '../runtime/project/config.js';
import { readColumnCasing } from '../runtime/db/casing.js';
import { importModules } from '../runtime/project/import-modules.js';
import { activeAppEntries, loadApps, locateApp, requireActiveApps, type LoadedApp } from '../runtime/project/apps.js';
import { checkIdentifierLengths } from './identifier-length.js';
import { checkViewCasing } from './view-casing.js';

export type { CollectedEntry } from '../runtime/schema/app-schema.js';

/** Options of {@link collectSchema}. */
export interface CollectSchemaOptions {
  /** The project folder (holding config.ini). */
  projectDir: string;
  /** Environment name selecting `config.<env>.ini`; defaults to `BACKENDTS_ENV`. */
  env?: string | undefined;
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
 * app and file) on no active app (`BT_APPS_NONE`), a missing app, a bad or missing models entry, a module
 * that fails to import or exports nothing, or clashing names.
 */
export async function collectSchema(options: CollectSchemaOptions): Promise<CollectedSchema> {
  const projectDir = path.resolve(options.projectDir);
  const { config, file: configFile } = loadConfig(projectDir, { env: options.env });
  requireActiveApps(config, configFile);
  await preloadAppMains(projectDir, config, configFile);
  const apps = await loadApps(projectDir, config, configFile);
  const casing = readColumnCasing(config, configFile);
  const collected = await collectAppSchema(projectDir, apps, {
    checks: [(pending) => checkIdentifierLengths(pending, casing), (pending) => checkViewCasing(pending, casing)],
  });
  return { projectDir, configFile, config, apps, ...collected };
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
  await importModules(files, projectDir);
}
