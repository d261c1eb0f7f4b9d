/**
 * Imports many modules at once, in a given order. Under Node, one generated
 * module imports them all: Node then loads the whole set in parallel through
 * the TypeScript loader (far fewer round trips than one `import()` per file)
 * and evaluates it in the order given, as separate imports in that order
 * would. A failure falls back to one import per file, which reports each
 * module's own outcome (a module that failed once fails again the same way).
 */
import { pathToFileURL } from 'node:url';
import { loadTypeScriptFor } from './load-typescript.js';
import { importFile } from './apps.js';

/** The outcome of importing one module. */
export type ImportOutcome = { ok: true; exports: Record<string, unknown> } | { ok: false; error: unknown };

/**
 * Imports modules by absolute path, evaluated in the order given, one
 * outcome per file: {@link importModules}, or modules loaded another way
 * (codegen's bundle).
 */
export type ModuleImporter = (files: readonly string[], projectDir?: string) => Promise<ImportOutcome[]>;

/**
 * True when this module was compiled by vite (under vitest), whose module
 * runner loads what it imports itself and cannot follow a generated module.
 */
function loadedByVite(): boolean {
  return (import.meta as { env?: unknown }).env !== undefined;
}

/**
 * Imports `files` (absolute paths), evaluated in that order; one outcome per
 * file. TypeScript files get the loader first, with `projectDir`'s tsconfig.json.
 */
export const importModules: ModuleImporter = async (files, projectDir) => {
  await loadTypeScriptFor(files, projectDir);
  if (files.length > 1 && !loadedByVite()) {
    const source = files.map((file, index) => `export * as m${index} from ${JSON.stringify(pathToFileURL(file).href)};`).join('\n');
    try {
      const all = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as Record<string, Record<string, unknown>>;
      return files.map((_file, index) => ({ ok: true, exports: all[`m${index}`]! }));
    } catch {
      // One of them failed: find out which, file by file.
    }
  }
  const outcomes: ImportOutcome[] = [];
  for (const file of files) {
    outcomes.push(await importFile(file, projectDir).then((exports) => ({ ok: true as const, exports }), (error: unknown) => ({ ok: false as const, error })));
  }
  return outcomes;
};
