/**
 * Lets plain `import()` load a user's TypeScript (main module, apps, model
 * modules) without a build step, by registering tsx's ESM loader hooks, and
 * only when a TypeScript file is about to be imported: a project compiled to
 * JavaScript runs with no loader. Loader hooks belong to the whole process,
 * so registering happens once per process; every later `import()` of a `.ts` file goes through Node's own
 * module cache, so one model module imported by many apps loads once.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The one registration per process (hooks are process-wide, not per project). */
let registration: Promise<void> | undefined;

/**
 * True when `import()` of TypeScript already works here: this module was
 * compiled by vite (under vitest, where vite also loads what it imports;
 * vite gives such modules `import.meta.env`), or Node runs with tsx.
 */
function typeScriptAlreadyLoads(): boolean {
  if ((import.meta as { env?: unknown }).env !== undefined) return true;
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  return /(?:^|[\s=])(?:tsx|[^\s]*\/tsx\/dist\/loader\.mjs)(?:\s|$)/.test(flags);
}

/**
 * Registers tsx's ESM loader once per process, so that `import()` of a `.ts`
 * file works, with the project's own tsconfig.json (its `paths` aliases,
 * JSX settings…): left alone, tsx reads the one of the current folder,
 * which is another project's under `--project`. Safe to call many times (the
 * first project wins); does nothing where TypeScript already loads.
 */
export function registerTypeScriptLoader(projectDir?: string): Promise<void> {
  registration ??= (async () => {
    if (typeScriptAlreadyLoads()) return;
    const { register } = await import('tsx/esm/api');
    register(projectDir === undefined ? {} : { tsconfig: projectTsconfig(projectDir) ?? false });
  })();
  return registration;
}

/** True for a TypeScript module file (`.ts`, `.mts`, `.cts`, `.tsx`), which Node cannot import without a loader. */
export function isTypeScriptFile(file: string): boolean {
  return /\.(?:[mc]?ts|tsx)$/.test(file) && !/\.d\.[mc]?ts$/.test(file);
}

/** Registers the loader (see {@link registerTypeScriptLoader}) when one of `files` is TypeScript; otherwise does nothing. */
export async function loadTypeScriptFor(files: readonly string[], projectDir: string | undefined): Promise<void> {
  if (files.some(isTypeScriptFile)) await registerTypeScriptLoader(projectDir);
}

/** The tsconfig.json that applies to a project: its own, or the nearest one above it (a monorepo's). */
export function projectTsconfig(projectDir: string): string | undefined {
  for (let dir = path.resolve(projectDir); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'tsconfig.json');
    if (existsSync(file)) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The `--import` argument that gives a child Node process the same loader,
 * as a file URL so it resolves from any working folder.
 */
export function typeScriptLoaderImport(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(require.resolve('tsx')).href;
}
