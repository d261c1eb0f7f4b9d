/** Finds and imports a project's main module, which exports the project instance `bp`. */
import path from 'node:path';
import type { Config } from '../runtime/project/config.js';
import { BackendtsError } from '../runtime/core/errors.js';
import { importFile, resolveModuleFile } from '../runtime/project/apps.js';

/** What the CLI needs from the project instance. */
export interface ServableProject {
  readonly config: Config;
  readonly configFile: string;
  listen(options: { host?: string; port?: number }): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

/** Imports `<project>/main.ts` (or main.js, …) and returns its `bp` export; fails naming the file. */
export async function loadMainModule(projectDir: string): Promise<ServableProject> {
  const file = resolveModuleFile(path.join(projectDir, 'main'));
  if (!file) {
    throw new BackendtsError('BT_MAIN_MISSING', `no main module (main.ts or main.js) in ${projectDir}`, {
      hint: "add main.ts with `export const bp = new Backendts({ projectDir: import.meta.dirname })`, or pass --project <dir>",
    });
  }
  let module: Record<string, unknown>;
  try {
    module = await importFile(file, projectDir);
  } catch (error) {
    if (error instanceof BackendtsError) throw error;
    throw new BackendtsError('BT_MAIN_IMPORT', `the main module ${file} failed to load: ${(error as Error)?.message ?? String(error)}`, {
      hint: 'fix the error in that file (run with --debug for the stack)',
      cause: error,
    });
  }
  const bp = module.bp as Partial<ServableProject> | undefined;
  if (typeof bp?.listen !== 'function') {
    throw new BackendtsError('BT_MAIN_EXPORT', `${file} does not export \`bp\``, {
      hint: "add `export const bp = new Backendts({ projectDir: import.meta.dirname })` (import { Backendts } from 'backendts')",
    });
  }
  return bp as ServableProject;
}
