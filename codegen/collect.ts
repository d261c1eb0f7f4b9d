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
import { importModules, type ModuleImporter } from '../runtime/project/import-modules.js';
import { activeAppEntries, loadApps, locateApp, requireActiveApps, type LoadedApp } from '../runtime/project/apps.js';
import { resolveModelModules } from '../runtime/schema/model-modules.js';
import { importBundled } from './bundle-modules.js';
import { checkIdentifierLengths } from './identifier-length.js';
import { checkViewCasing } from './view-casing.js';

export type { CollectedEntry } from '../runtime/schema/app-schema.js';

/** Options of {@link collectSchema}. */
export interface CollectSchemaOptions {
  /** The project folder (holding config.ini). */
  projectDir: string;
  /** Environment name selecting `config.<env>.ini`; defaults to `BACKENDTS_ENV`. */
  env?: string | undefined;
  /**
   * Load a TypeScript project from one esbuild bundle where it behaves as
   * importing each file would (the default); false imports each module
   * from its file, as the server does, for a process that serves next.
   */
  bundle?: boolean;
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
  /** How the apps' and model modules were loaded. */
  loadedFrom: ModuleLoading;
}

/**
 * How a collection loaded the modules: from one bundle (with the real
 * paths of every source file it was built from, which Node itself never
 * loaded), or each from its own file, and why.
 */
export type ModuleLoading = { bundle: readonly string[] } | { files: string };

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
  const casing = readColumnCasing(config, configFile);
  const loaded = await loadAppsAndModels(projectDir, config, configFile, options.bundle ?? true);
  const collected = await collectAppSchema(projectDir, loaded.apps, {
    importer: loaded.importer,
    checks: [(pending) => checkIdentifierLengths(pending, casing), (pending) => checkViewCasing(pending, casing)],
  });
  return { projectDir, configFile, config, apps: loaded.apps, ...collected, loadedFrom: loaded.loadedFrom };
}

/** The loaded apps, and where their model modules' exports come from. */
interface LoadedProject {
  apps: LoadedApp[];
  importer: ModuleImporter;
  loadedFrom: ModuleLoading;
}

/**
 * Loads the apps, from one bundle of their main modules and then one of the
 * main modules with every model module (so that each module is one object,
 * as when Node loads them); where a bundle cannot be used, Node loads each
 * module from its file.
 */
async function loadAppsAndModels(projectDir: string, config: Config, configFile: string, bundle: boolean): Promise<LoadedProject> {
  const mains = appMainFiles(projectDir, config, configFile);
  if (mains === undefined) return { apps: await loadApps(projectDir, config, configFile), importer: importModules, loadedFrom: { files: 'an app is missing' } };
  let bundled = bundle ? await importBundled(mains, projectDir) : { skipped: 'not asked to bundle' };
  if ('importer' in bundled) {
    const apps = await loadApps(projectDir, config, configFile, bundled.importer);
    const models = resolveModelModules(projectDir, apps).map((module) => module.file);
    bundled = await importBundled([...mains, ...models], projectDir);
    if ('importer' in bundled) {
      return { apps: await loadApps(projectDir, config, configFile, bundled.importer), importer: bundled.importer, loadedFrom: { bundle: bundled.sources } };
    }
  }
  // Every main module at once (in parallel, evaluated in config order); loadApps then takes them from the module cache.
  await importModules(mains, projectDir);
  return { apps: await loadApps(projectDir, config, configFile), importer: importModules, loadedFrom: { files: bundled.skipped } };
}

/** The active apps' main modules in config order; undefined when one is missing (loadApps reports it, naming the app). */
function appMainFiles(projectDir: string, config: Config, configFile: string): string[] | undefined {
  try {
    return activeAppEntries(config).map((entry) => locateApp(entry, projectDir, configFile).mainFile);
  } catch {
    return undefined;
  }
}
