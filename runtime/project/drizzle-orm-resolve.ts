/**
 * A module resolve hook that answers `import`s of drizzle-orm and of the
 * files inside it without Node's default resolver.
 *
 * Why: from Node 22, the default ESM resolver reads a `.js` file's package
 * scope through `getPackageScopeConfig()`, which copies the package.json
 * record with an object spread; the spread runs the lazy `exports` getter,
 * so drizzle-orm's 179 KB `exports` map is parsed again for every one of its
 * files that is loaded (hundreds for `drizzle-orm/pg-core`). On Node 24 that
 * made importing drizzle-orm take close to a second and leave about 150 MiB
 * of garbage behind. This hook reads each drizzle-orm package.json once and
 * answers with the same URLs and formats Node would give. Node 20 has no
 * such cost (and no `registerHooks`): there it does nothing.
 *
 * Only ESM imports are answered (the `import` condition); `require()` and
 * anything the hook does not recognise (a missing file, a subpath the map
 * does not list) go to the next resolver, which gives Node's own answer or
 * error.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PACKAGE = 'drizzle-orm';
const IN_PACKAGE = `/node_modules/${PACKAGE}/`;

/** What the hook needs from one installed drizzle-orm. */
interface InstalledPackage {
  /** The real folder, as a file URL ending with `/`. */
  root: string;
  /** `"type"` is `"module"`: its `.js` files are ESM. */
  esm: boolean;
  exports: unknown;
}

/** The part of Node's resolve context the hook reads. */
interface ResolveContext {
  conditions?: readonly string[];
  parentURL?: string | undefined;
}

/** What a resolve hook returns. */
interface ResolveResult {
  url: string;
  format?: string | null | undefined;
  shortCircuit?: boolean;
}

type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;

/** `module.registerHooks` (Node 22.15+ and 23.5+); missing from Node 20's typings. */
type RegisterHooks = (hooks: {
  resolve: (specifier: string, context: ResolveContext, nextResolve: NextResolve) => ResolveResult;
}) => unknown;

/** Installed drizzle-orm packages by the folder URL they were found under (null: none there). */
const packagesByFolder = new Map<string, InstalledPackage | null>();
/** Installed packages by their real root URL. */
const packagesByRoot = new Map<string, InstalledPackage>();
/** Answers already given, by package root and subpath. */
const subpathUrls = new Map<string, string | null>();
let registered = false;

/**
 * Registers the hook for the whole process, once. Call it before the first
 * import of drizzle-orm (of backendts itself, which imports it): modules
 * already loaded are not resolved again. Returns false where Node has no
 * `registerHooks` (Node 20, which does not need it).
 */
export function registerDrizzleOrmResolve(): boolean {
  if (registered) return true;
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;
  if (registerHooks === undefined) return false;
  registerHooks({ resolve: resolveDrizzleOrm });
  registered = true;
  return true;
}

/** The resolve hook: drizzle-orm's entry points and the relative imports between its files. */
export function resolveDrizzleOrm(specifier: string, context: ResolveContext, nextResolve: NextResolve): ResolveResult {
  const parentURL = context.parentURL;
  if (parentURL?.startsWith('file:') && context.conditions?.includes('import')) {
    const answer = specifier === PACKAGE || specifier.startsWith(`${PACKAGE}/`)
      ? resolveEntry(specifier, parentURL, context.conditions)
      : specifier.startsWith('./') || specifier.startsWith('../') ? resolveInside(specifier, parentURL) : undefined;
    if (answer !== undefined) return answer;
  }
  return nextResolve(specifier, context);
}

/** `drizzle-orm` or `drizzle-orm/<subpath>`, through the package's `exports` map read once. */
function resolveEntry(specifier: string, parentURL: string, conditions: readonly string[]): ResolveResult | undefined {
  const installed = packageFor(parentURL);
  if (installed === null) return undefined;
  const subpath = `.${specifier.slice(PACKAGE.length)}`;
  const key = `${installed.root}\0${subpath}\0${conditions.join(',')}`;
  let url = subpathUrls.get(key);
  if (url === undefined) {
    const target = exportTarget((installed.exports as Record<string, unknown> | null)?.[subpath], conditions);
    url = target?.startsWith('./') ? existingFile(new URL(target, installed.root).href) : null;
    subpathUrls.set(key, url);
  }
  return url === null ? undefined : answer(url, installed);
}

/** A relative import from one of drizzle-orm's files to another. */
function resolveInside(specifier: string, parentURL: string): ResolveResult | undefined {
  const end = parentURL.lastIndexOf(IN_PACKAGE);
  if (end === -1) return undefined;
  const installed = packageAt(parentURL.slice(0, end + IN_PACKAGE.length));
  if (installed === null) return undefined;
  const url = new URL(specifier, parentURL).href;
  if (!url.startsWith(installed.root) || existingFile(url) === null) return undefined;
  return answer(url, installed);
}

/** The hook's answer, with the format Node would give the file; undefined for kinds it leaves to Node. */
function answer(url: string, installed: InstalledPackage): ResolveResult | undefined {
  const format = url.endsWith('.mjs') || (url.endsWith('.js') && installed.esm) ? 'module'
    : url.endsWith('.cjs') || url.endsWith('.js') ? 'commonjs' : undefined;
  return format === undefined ? undefined : { url, format, shortCircuit: true };
}

/**
 * Node's conditional exports for one entry: the first key in order that is
 * `default` or an active condition and leads to a target. Arrays and
 * patterns are left to Node.
 */
function exportTarget(value: unknown, conditions: readonly string[]): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  for (const [condition, inner] of Object.entries(value)) {
    if (condition !== 'default' && !conditions.includes(condition)) continue;
    const target = exportTarget(inner, conditions);
    if (target !== undefined) return target;
  }
  return undefined;
}

/**
 * The drizzle-orm a module at `parentURL` imports: the one it is part of
 * (self-reference), else the nearest `node_modules/drizzle-orm` above it.
 */
function packageFor(parentURL: string): InstalledPackage | null {
  const end = parentURL.lastIndexOf(IN_PACKAGE);
  if (end !== -1) return packageAt(parentURL.slice(0, end + IN_PACKAGE.length));
  const folder = new URL('.', parentURL).href;
  let found = packagesByFolder.get(folder);
  if (found === undefined) {
    found = null;
    for (let dir = fileURLToPath(folder); ; dir = path.dirname(dir)) {
      if (path.basename(dir) !== 'node_modules') {
        const candidate = path.join(dir, 'node_modules', PACKAGE);
        if (statSync(path.join(candidate, 'package.json'), { throwIfNoEntry: false })?.isFile()) {
          found = packageAt(pathToFileURL(`${candidate}/`).href);
          break;
        }
      }
      if (path.dirname(dir) === dir) break;
    }
    packagesByFolder.set(folder, found);
  }
  return found;
}

/** The package whose folder is `folderURL` (read once, by its real path); null when it cannot be read. */
function packageAt(folderURL: string): InstalledPackage | null {
  let found = packagesByFolder.get(folderURL);
  if (found !== undefined) return found;
  found = null;
  try {
    const real = realpathSync(fileURLToPath(folderURL));
    const root = pathToFileURL(`${real}/`).href;
    found = packagesByRoot.get(root) ?? null;
    if (found === null) {
      const manifest = JSON.parse(readFileSync(path.join(real, 'package.json'), 'utf8')) as { name?: unknown; type?: unknown; exports?: unknown };
      if (manifest.name === PACKAGE) {
        found = { root, esm: manifest.type === 'module', exports: manifest.exports };
        packagesByRoot.set(root, found);
      }
    }
  } catch {
    found = null;
  }
  packagesByFolder.set(folderURL, found);
  return found;
}

/** `url` when it names an existing file, else null (left to Node, which reports it). */
function existingFile(url: string): string | null {
  return statSync(fileURLToPath(url), { throwIfNoEntry: false })?.isFile() ? url : null;
}
