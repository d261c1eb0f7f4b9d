/**
 * Loads a project's TypeScript modules for the build-time commands (codegen,
 * create_db, makemigrations) in one esbuild pass instead of one tsx
 * transform per file: on a thousand tables in two hundred files that is
 * about 0.4 s less. The result must be what importing the files one by one
 * gives, so a bundle is only used when it cannot differ:
 * - packages stay outside it: Node loads each from the file its own
 *   resolution picks (the CLI's drizzle-orm and backendts, never a copy);
 * - no bundled module reads `import.meta`, `__dirname`, `__filename` or
 *   calls `require` (they would see the bundle, not the module's own file);
 *   the sources are searched, so even a mention in a comment counts;
 * - no module under node_modules is bundled, and esbuild reports no error;
 * - the bundle evaluates without throwing.
 * Otherwise the caller loads the files one by one, which also reports a
 * failing module by name.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTypeScriptFile, projectTsconfig } from '../runtime/project/load-typescript.js';
import { resolvePackageImport } from '../runtime/project/apps.js';
import type { ImportOutcome, ModuleImporter } from '../runtime/project/import-modules.js';

/** Modules loaded from one bundle. */
export interface BundledModules {
  /** Serves the bundled files' exports (a file it does not hold fails). */
  importer: ModuleImporter;
  /** Real paths of every source file the bundle was built from. */
  sources: readonly string[];
}

/** Why the files are to be loaded one by one. */
export interface NotBundled {
  skipped: string;
}

/** The name the bundle's entry goes by (it is no file). */
const ENTRY = 'backendts-modules.js';

/** What makes a bundled module differ from the same module imported from its own file. */
const FILE_BOUND = /\bimport\.meta\b|\b__dirname\b|\b__filename\b|\brequire\s*\(/;

/**
 * Bundles `files` (absolute paths, evaluated in that order) and imports the
 * bundle; `{ skipped }` with the reason when none of them is TypeScript
 * (Node loads JavaScript as fast itself), under vitest (whose runner loads
 * modules itself), or when the bundle could differ from loading the files
 * one by one (see the module comment).
 */
export async function importBundled(files: readonly string[], projectDir: string): Promise<BundledModules | NotBundled> {
  if (loadedByVite()) return { skipped: 'vitest loads the modules' };
  if (!files.some(isTypeScriptFile)) return { skipped: 'no module is TypeScript' };
  const packaged = files.find(inNodeModules);
  if (packaged !== undefined) return { skipped: `${packaged} is in an installed package` };
  const { build } = await import('esbuild');
  const root = path.resolve(projectDir);
  const tsconfig = projectTsconfig(root);
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build({
      stdin: { contents: reExports(files), resolveDir: root, sourcefile: ENTRY, loader: 'js' },
      absWorkingDir: root,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      metafile: true,
      logLevel: 'silent',
      ...(tsconfig === undefined ? { tsconfigRaw: '{}' } : { tsconfig }),
      plugins: [packagesOutside()],
    });
  } catch (error) {
    return { skipped: `esbuild: ${firstLine(error)}` };
  }
  const sources = Object.keys(result.metafile?.inputs ?? {})
    .filter((input) => input !== ENTRY)
    .map((input) => realPath(path.resolve(root, input)));
  const packagedSource = sources.find(inNodeModules);
  if (packagedSource !== undefined) return { skipped: `${packagedSource} is in an installed package` };
  const fileBound = sources.find((source) => FILE_BOUND.test(readText(source)));
  if (fileBound !== undefined) return { skipped: `${fileBound} uses import.meta, __dirname, __filename or require()` };
  let namespace: Record<string, Record<string, unknown>>;
  try {
    // A data: URL leaves no file behind, and is not a file the record of create_db's sources would list.
    namespace = (await import(`data:text/javascript,${encodeURIComponent(result.outputFiles?.[0]?.text ?? '')}`)) as typeof namespace;
  } catch (error) {
    return { skipped: `the bundle threw: ${firstLine(error)}` };
  }
  const exports = new Map(files.map((file, index) => [file, namespace[`m${index}`]!]));
  const importer: ModuleImporter = (wanted) =>
    Promise.resolve(
      wanted.map((file): ImportOutcome => {
        const found = exports.get(file);
        return found === undefined ? { ok: false, error: new Error(`${file} is not in the bundle`) } : { ok: true, exports: found };
      }),
    );
  return { importer, sources };
}

/**
 * Starts esbuild's service process ahead of a bundle: starting, it reads
 * the whole environment (to pass it on), which create_db, recording the
 * variables the models read, must not take for theirs.
 */
export async function startBundler(): Promise<void> {
  if (loadedByVite()) return;
  const { transform } = await import('esbuild');
  await transform('');
}

/** The bundle's entry: every file's namespace under the file's index, in order. */
function reExports(files: readonly string[]): string {
  return files.map((file, index) => `export * as m${index} from ${JSON.stringify(file)};`).join('\n');
}

/**
 * Leaves Node's built-in modules and every package that resolves to
 * JavaScript outside the bundle, as the file URL Node's own resolution
 * gives from the importing folder; a package specifier that leads to
 * TypeScript (a workspace package, the project importing itself by name)
 * is bundled, as the TypeScript loader would transform it.
 */
function packagesOutside(): import('esbuild').Plugin {
  const resolved = new Map<string, string | undefined>();
  return {
    name: 'backendts-packages-outside',
    setup(build) {
      build.onResolve({ filter: /^[^./#]/ }, ({ path: specifier, resolveDir, kind }) => {
        if (kind === 'entry-point' || path.isAbsolute(specifier)) return undefined;
        if (isBuiltin(specifier)) return { path: specifier, external: true };
        const key = `${resolveDir}\0${specifier}`;
        if (!resolved.has(key)) resolved.set(key, resolvePackageImport(specifier, resolveDir).file);
        const file = resolved.get(key);
        if (file === undefined) return undefined;
        return isTypeScriptFile(file) ? { path: file } : { path: pathToFileURL(file).href, external: true };
      });
    },
  };
}

function inNodeModules(file: string): boolean {
  return file.split(path.sep).includes('node_modules');
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** True when this module was compiled by vite (under vitest). */
function loadedByVite(): boolean {
  return (import.meta as { env?: unknown }).env !== undefined;
}
