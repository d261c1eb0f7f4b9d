/**
 * Loading the middlewares a project lists in config.ini. What a middleware
 * is, and how the three layers run, is `core/middlewares.ts`.
 */
import path from 'node:path';
import type { Config } from '../core/config-types.js';
import { BackendtsError } from '../core/errors.js';
import { isMiddleware, type Middleware } from '../core/middlewares.js';
import { configList } from '../core/setting-values.js';
import { importFile, resolveModuleFile, resolvePackage } from './apps.js';

/**
 * Loads the middlewares listed in `[middlewares] active`. An entry is
 * `<module>#<ExportName>` (the default export without `#`); the module is a
 * path relative to the project (`./middlewares/cors`) or a package specifier.
 * The export is a middleware object, or a class (instantiated with no
 * arguments unless its methods are static).
 */
export async function loadConfiguredMiddlewares(projectDir: string, config: Config, configFile: string): Promise<Middleware[]> {
  const loaded: Middleware[] = [];
  for (const entry of configList(config.middlewares?.active)) {
    loaded.push(await loadMiddleware(entry, projectDir, configFile));
  }
  return loaded;
}

async function loadMiddleware(entry: string, projectDir: string, configFile: string): Promise<Middleware> {
  const hash = entry.lastIndexOf('#');
  const specifier = hash === -1 ? entry : entry.slice(0, hash);
  const exportName = hash === -1 ? 'default' : entry.slice(hash + 1);
  const where = `middleware "${entry}" listed in ${configFile} [middlewares] active`;
  const isPath = specifier.startsWith('.') || path.isAbsolute(specifier);
  const file = isPath ? resolveModuleFile(path.resolve(projectDir, specifier)) : resolvePackage(specifier, projectDir);
  if (file === undefined) {
    throw new BackendtsError('BT_MIDDLEWARE_MISSING', `${where}: cannot find module "${specifier}"`, {
      hint: isPath
        ? `create ${path.resolve(projectDir, specifier)}.ts, or fix the path (relative to ${projectDir})`
        : `install the package (npm install ${specifier}), or write a path starting with ./`,
    });
  }
  let module: Record<string, unknown>;
  try {
    module = await importFile(file, projectDir);
  } catch (error) {
    throw new BackendtsError('BT_MIDDLEWARE_IMPORT', `${where}: ${file} failed to load: ${(error as Error)?.message ?? String(error)}`, {
      hint: 'fix the error in that file (run with --debug for the stack)',
      cause: error,
    });
  }
  if (!(exportName in module)) {
    throw new BackendtsError('BT_MIDDLEWARE_EXPORT', `${where}: ${file} has no export "${exportName}"`, {
      hint: hash === -1 ? 'export the middleware as default, or name the export: <module>#<ExportName>' : `export ${exportName} from that module`,
    });
  }
  let value = module[exportName];
  // A class is instantiated, unless its methods are static (Backendpy's style).
  if (typeof value === 'function' && !isMiddleware(value)) value = new (value as new () => unknown)();
  if (!isMiddleware(value)) {
    throw new BackendtsError('BT_MIDDLEWARE_INVALID', `${where}: export "${exportName}" of ${file} is not a middleware`, {
      hint: 'a middleware is an object (or a class) with processRequest, processHandler and/or processResponse methods',
    });
  }
  return value;
}
