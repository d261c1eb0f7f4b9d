/**
 * Lets plain `import()` load a user's TypeScript (main module, apps, model
 * modules) without a build step, by registering tsx's ESM loader hooks.
 * Loader hooks belong to the whole process, so registering happens once per
 * process; every later `import()` of a `.ts` file goes through Node's own
 * module cache, so one model module imported by many apps loads once.
 */
import { createRequire } from 'node:module';
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
 * file works. Safe to call many times; does nothing where TypeScript already loads.
 */
export function registerTypeScriptLoader(): Promise<void> {
  registration ??= (async () => {
    if (typeScriptAlreadyLoads()) return;
    const { register } = await import('tsx/esm/api');
    register();
  })();
  return registration;
}

/**
 * The `--import` argument that gives a child Node process the same loader,
 * as a file URL so it resolves from any working folder.
 */
export function typeScriptLoaderImport(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(require.resolve('tsx')).href;
}
