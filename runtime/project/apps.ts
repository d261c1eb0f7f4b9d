/**
 * Finds a project's active apps and loads their main modules. Shared by the
 * runtime (to merge routes and hooks), codegen (to find model modules) and
 * the CLI, so all three see the same apps in the same order.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleResolve } from 'import-meta-resolve';
import { isApp, type App } from '../core/app.js';
import { configList, type Config } from './config.js';
import { BackendtsError } from '../core/errors.js';
import { loadTypeScriptFor } from './load-typescript.js';
import type { ModuleImporter } from './import-modules.js';

/** An active app, loaded. */
export interface LoadedApp {
  /** Short name: `App.name`, or the folder's (package's) last path segment. */
  name: string;
  /** The entry as written in `[apps] active`. */
  entry: string;
  /** The app's folder (for a package, the package's folder). */
  dir: string;
  /** Absolute path of the app's main module. */
  mainFile: string;
  /** True when the app is an installed package rather than a project folder. */
  isPackage: boolean;
  app: App;
}

/** Extensions tried, in order, for a module path written without one. */
export const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.tsx', '.cts', '.cjs'];

/** Main module names tried in an app folder. */
const APP_MAIN_NAMES = ['main', 'index'];

/** The active app entries of a config, in order. */
export function activeAppEntries(config: Config): string[] {
  return configList(config.apps?.active);
}

/**
 * The active app entries, for a command that works on the project's apps
 * (codegen, create_db, run): none is a typo'd or forgotten `[apps] active`,
 * which would otherwise collect nothing (and make create_db drop every table).
 */
export function requireActiveApps(config: Config, configFile: string): string[] {
  const entries = activeAppEntries(config);
  if (entries.length === 0) {
    throw new BackendtsError('BT_APPS_NONE', `${configFile} [apps] active lists no app`, {
      hint: 'list the project\'s apps under [apps] active, one a line (e.g. "active =" then "    apps/hello")',
    });
  }
  return entries;
}

/**
 * Resolves a module path without extension (`<dir>/db/models`) to a file:
 * the path itself, then each known extension, then `index.*` in a folder.
 */
export function resolveModuleFile(base: string): string | undefined {
  if (existsSync(base) && statSync(base).isFile()) return base;
  for (const ext of MODULE_EXTENSIONS) {
    if (existsSync(base + ext)) return base + ext;
  }
  // `./models.js` written for a `.ts` file, as TypeScript's NodeNext style does.
  const parsed = /\.(m|c)?js$/.exec(base);
  if (parsed) {
    const ts = base.slice(0, -parsed[0].length) + `.${parsed[1] ?? ''}ts`;
    if (existsSync(ts)) return ts;
  }
  if (existsSync(base) && statSync(base).isDirectory()) {
    for (const ext of MODULE_EXTENSIONS) {
      const index = path.join(base, `index${ext}`);
      if (existsSync(index)) return index;
    }
  }
  return undefined;
}

function existsSyncDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** A package specifier resolved as Node's `import` resolves it: the file, or Node's reason why there is none. */
export type PackageResolution = { file: string } | { file?: undefined; installed: boolean; reason: string };

/**
 * The conditions Node's `import` matches in a package's `exports`: `node`,
 * `import`, `module-sync` where Node can require ES modules (20.19+, 22.12+),
 * and those the process was started with (`--conditions` / `-C`).
 */
const IMPORT_CONDITIONS = new Set([
  'node',
  'import',
  ...(process.features.require_module ? ['module-sync'] : []),
  ...Array.from([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').matchAll(/(?:^|\s)(?:--conditions|-C)(?:=|\s+)([^\s=]+)/g), (match) => match[1]!),
]);

/**
 * Resolves a package specifier from `fromDir` with Node's own ES module
 * resolution (the import-meta-resolve package, Node's algorithm: Node's
 * `import.meta.resolve` takes no folder to resolve from without a flag) and
 * the conditions of Node's `import`, so the file is the one `import … from
 * '<specifier>'` in that folder loads: the ES module build of a package that
 * also ships CommonJS, never a second copy. Where Node finds no file, the one
 * the TypeScript loader (tsx) takes counts: `./models.js` written for
 * `models.ts`, an extension or `/index` left out.
 */
export function resolvePackageImport(specifier: string, fromDir: string): PackageResolution {
  try {
    const url = moduleResolve(specifier, pathToFileURL(path.join(path.resolve(fromDir), path.sep)), IMPORT_CONDITIONS);
    if (url.protocol === 'file:') return { file: fileURLToPath(url) };
    return { installed: true, reason: `"${specifier}" resolves to ${url.href}, not a file` };
  } catch (error) {
    const { code, url, message } = error as { code?: unknown; url?: unknown; message?: unknown };
    const dir = installedPackageDir(specifier, fromDir);
    // A target that is not there (Node gives its `url`), or a package without `exports` whose `main` is not.
    let source: string | undefined;
    if (typeof url === 'string') source = resolveModuleFile(fileURLToPath(url));
    else if (code === 'ERR_MODULE_NOT_FOUND' && dir !== undefined) source = legacyMainSource(dir);
    if (source !== undefined) return { file: realpathSync(source) };
    return { installed: dir !== undefined, reason: String(message ?? error) };
  }
}

/** A package without `exports` whose `main` (or `index`) Node finds no file for: the source tsx takes (`index.ts`). */
function legacyMainSource(dir: string): string | undefined {
  const manifest = path.join(dir, 'package.json');
  const { main, exports } = (existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')) : {}) as { main?: unknown; exports?: unknown };
  if (exports !== undefined) return undefined;
  return resolveModuleFile(path.join(dir, typeof main === 'string' ? main : 'index'));
}

/** {@link resolvePackageImport}'s file, or undefined when there is none. */
export function resolvePackage(specifier: string, fromDir: string): string | undefined {
  return resolvePackageImport(specifier, fromDir).file;
}

/**
 * The real folder of the package a bare specifier names (`pkg` of `pkg/sub`,
 * `@scope/pkg` of `@scope/pkg/sub`) in the nearest node_modules folder at or
 * above `fromDir`, where Node looks it up.
 */
function installedPackageDir(specifier: string, fromDir: string): string | undefined {
  const name = specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSyncDir(candidate)) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Where an app entry's main module is; fails naming the entry when it is not on disk. */
export function locateApp(entry: string, projectDir: string, configFile: string): Omit<LoadedApp, 'app' | 'name'> {
  const asPath = path.resolve(projectDir, entry);
  const explicitPath = entry.startsWith('.') || path.isAbsolute(entry);
  if (explicitPath || existsSyncDir(asPath)) {
    if (!existsSyncDir(asPath)) {
      throw new BackendtsError('BT_APP_MISSING', `app "${entry}" listed in ${configFile} [apps] active: no folder ${asPath}`, {
        hint: 'create the app (backendts create_app --name <name>) or remove it from [apps] active',
      });
    }
    for (const name of APP_MAIN_NAMES) {
      const file = resolveModuleFile(path.join(asPath, name));
      if (file) return { entry, dir: asPath, mainFile: file, isPackage: false };
    }
    throw new BackendtsError('BT_APP_MAIN_MISSING', `app "${entry}": no main module (main.ts or main.js) in ${asPath}`, {
      hint: 'add main.ts exporting `export const app = new App({ ... })`',
    });
  }
  const resolved = resolvePackageImport(entry, projectDir);
  if (resolved.file === undefined) {
    if (resolved.installed) {
      throw new BackendtsError(
        'BT_APP_MISSING',
        `app "${entry}" listed in ${configFile} [apps] active: the installed package gives no module to import: ${resolved.reason}`,
        { hint: `check the package's "exports" (an "import" or "default" entry for "."), or reinstall it (npm install ${entry})` },
      );
    }
    throw new BackendtsError(
      'BT_APP_MISSING',
      `app "${entry}" listed in ${configFile} [apps] active is neither a folder of the project nor an installed package`,
      { hint: `create the folder ${asPath}, install the package (npm install ${entry}), or remove it from [apps] active` },
    );
  }
  const dir = installedPackageDir(entry, projectDir) ?? nearestPackageDir(resolved.file);
  return { entry, dir, mainFile: resolved.file, isPackage: true };
}

/** The folder of the package.json nearest above `file` (a package that imports itself by name). */
function nearestPackageDir(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.dirname(file);
  }
}

/**
 * Imports a module by absolute file path. A TypeScript file first gets the
 * TypeScript loader, set up with `projectDir`'s tsconfig.json.
 */
export async function importFile(file: string, projectDir?: string): Promise<Record<string, unknown>> {
  await loadTypeScriptFor([file], projectDir);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/**
 * Loads every active app of the project in config order. Each main module
 * must export `app`; any failure names the app and the file. `importer`
 * gives the main modules' exports when they were loaded another way
 * (codegen's bundle); by default each is imported from its file.
 */
export async function loadApps(projectDir: string, config: Config, configFile: string, importer?: ModuleImporter): Promise<LoadedApp[]> {
  const loaded: LoadedApp[] = [];
  const seen = new Set<string>();
  for (const entry of activeAppEntries(config)) {
    const located = locateApp(entry, projectDir, configFile);
    if (seen.has(located.mainFile)) {
      throw new BackendtsError('BT_APP_DUPLICATE', `app "${entry}" is listed twice in ${configFile} [apps] active`, {
        hint: 'list each app once',
      });
    }
    seen.add(located.mainFile);
    let module: Record<string, unknown>;
    try {
      module = importer === undefined ? await importFile(located.mainFile, projectDir) : await importedBy(importer, located.mainFile, projectDir);
    } catch (error) {
      throw new BackendtsError(
        'BT_APP_IMPORT',
        `app "${entry}": its main module ${located.mainFile} failed to load: ${(error as Error)?.message ?? String(error)}`,
        { hint: 'fix the error in that file (run with --debug for the stack)', cause: error },
      );
    }
    const app = module.app;
    if (!isApp(app)) {
      throw new BackendtsError('BT_APP_EXPORT', `app "${entry}": ${located.mainFile} does not export \`app\``, {
        hint: "add `export const app = new App({ ... })` (import { App } from 'backendts')",
      });
    }
    const name = app.name ?? path.basename(located.isPackage ? entry : located.dir).replace(/^@/, '');
    loaded.push({ ...located, name, app });
  }
  return loaded;
}

/** One module's exports from `importer`; throws what importing it threw. */
async function importedBy(importer: ModuleImporter, file: string, projectDir: string): Promise<Record<string, unknown>> {
  const [outcome] = await importer([file], projectDir);
  if (outcome === undefined || !outcome.ok) throw outcome?.error ?? new Error(`${file} was not imported`);
  return outcome.exports;
}

/**
 * Resolves an app's model module entry: a path relative to the app folder,
 * or a package specifier resolved from the app's folder as its `import` would.
 */
export function resolveModelFile(loaded: Pick<LoadedApp, 'dir' | 'entry'>, modelPath: string): PackageResolution {
  if (modelPath.startsWith('.') || modelPath.startsWith('/')) {
    const file = resolveModuleFile(path.resolve(loaded.dir, modelPath));
    return file === undefined ? { installed: false, reason: 'no such file' } : { file };
  }
  return resolvePackageImport(modelPath, loaded.dir);
}
