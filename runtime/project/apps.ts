/**
 * Finds a project's active apps and loads their main modules. Shared by the
 * runtime (to merge routes and hooks), codegen (to find model modules) and
 * the CLI, so all three see the same apps in the same order.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isApp, type App } from '../core/app.js';
import { configList, type Config } from './config.js';
import { BackendtsError } from '../core/errors.js';
import { loadTypeScriptFor } from './load-typescript.js';

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

/**
 * Resolves a package specifier from `fromDir` the way Node's ESM loader
 * does, preferring the `import` condition; returns undefined when missing.
 */
export function resolvePackage(specifier: string, fromDir: string): string | undefined {
  const require = createRequire(path.join(fromDir, '__backendts_resolve__.js'));
  try {
    return require.resolve(specifier);
  } catch {
    // ESM-only packages export no `require` condition: read their package.json.
  }
  const parts = specifier.startsWith('@') ? specifier.split('/').slice(0, 2) : specifier.split('/').slice(0, 1);
  const name = parts.join('/');
  const subpath = '.' + specifier.slice(name.length);
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    const pkgFile = path.join(pkgDir, 'package.json');
    if (existsSync(pkgFile)) {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: unknown; main?: string; module?: string };
      const target = exportTarget(pkg.exports, subpath) ?? (subpath === '.' ? (pkg.module ?? pkg.main ?? 'index.js') : subpath);
      return resolveModuleFile(path.join(pkgDir, target));
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function exportTarget(exportsField: unknown, subpath: string): string | undefined {
  if (exportsField === undefined || exportsField === null) return undefined;
  if (typeof exportsField === 'string') return subpath === '.' ? exportsField : undefined;
  const map = exportsField as Record<string, unknown>;
  const entry = Object.keys(map).some((key) => key.startsWith('.')) ? map[subpath] : subpath === '.' ? map : undefined;
  return pickCondition(entry);
}

function pickCondition(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) return entry.map(pickCondition).find((item) => item !== undefined);
  if (entry && typeof entry === 'object') {
    const conditions = entry as Record<string, unknown>;
    for (const key of ['import', 'node', 'default']) {
      const found = pickCondition(conditions[key]);
      if (found) return found;
    }
  }
  return undefined;
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
  const resolved = resolvePackage(entry, projectDir);
  if (!resolved) {
    throw new BackendtsError(
      'BT_APP_MISSING',
      `app "${entry}" listed in ${configFile} [apps] active is neither a folder of the project nor an installed package`,
      { hint: `create the folder ${asPath}, install the package (npm install ${entry}), or remove it from [apps] active` },
    );
  }
  return { entry, dir: packageRoot(resolved), mainFile: resolved, isPackage: true };
}

function packageRoot(file: string): string {
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
 * must export `app`; any failure names the app and the file.
 */
export async function loadApps(projectDir: string, config: Config, configFile: string): Promise<LoadedApp[]> {
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
      module = await importFile(located.mainFile, projectDir);
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

/** Resolves an app's model module entry to a file; package specifiers resolve from the app's folder. */
export function resolveModelFile(loaded: Pick<LoadedApp, 'dir' | 'entry'>, modelPath: string): string | undefined {
  if (modelPath.startsWith('.') || modelPath.startsWith('/')) {
    return resolveModuleFile(path.resolve(loaded.dir, modelPath));
  }
  return resolvePackage(modelPath, loaded.dir);
}
