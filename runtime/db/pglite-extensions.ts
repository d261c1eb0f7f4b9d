/**
 * The PostgreSQL extensions of `[database] extensions`, for the embedded
 * database. PGlite ships each as a module of its package
 * (`@electric-sql/pglite/contrib/pg_trgm`…) that must be handed to
 * `PGlite.create({ extensions })` every time the database opens, by
 * `create_db` and the server alike; `CREATE EXTENSION` then works as on a
 * server. An extension it does not ship is an error naming it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PGliteOptions } from '@electric-sql/pglite';
import { BackendtsError } from '../core/errors.js';

type PgliteExtensions = NonNullable<PGliteOptions['extensions']>;

/** Compiled into PGlite itself: nothing to load. */
const BUILT_IN = new Set(['plpgsql']);

/** Loads the PGlite modules of the named extensions; fails naming every one PGlite does not ship. */
export async function loadPgliteExtensions(names: readonly string[], where: string): Promise<PgliteExtensions> {
  const extensions: PgliteExtensions = {};
  const missing: string[] = [];
  for (const name of names) {
    if (BUILT_IN.has(name)) continue;
    const extension = await importExtension(name);
    if (extension === undefined) missing.push(name);
    else extensions[name.replace(/-/g, '_')] = extension;
  }
  if (missing.length > 0) {
    const shipped = shippedExtensions();
    throw new BackendtsError(
      'BT_DB_EXTENSION_UNAVAILABLE',
      `${where}: the embedded database (PGlite ${pgliteVersion()}) does not ship the extension${missing.length === 1 ? '' : 's'} ${missing.map((name) => `"${name}"`).join(', ')} listed in [database] extensions`,
      {
        hint:
          `use PostgreSQL for ${missing.length === 1 ? 'it' : 'them'} ([database] host or url), or remove ${missing.length === 1 ? 'it' : 'them'} from [database] extensions` +
          (shipped.length > 0 ? `; PGlite ships: ${shipped.join(', ')}` : ''),
      },
    );
  }
  return extensions;
}

async function importExtension(name: string): Promise<PgliteExtensions[string] | undefined> {
  const module = name.replace(/-/g, '_');
  // PGlite before 0.5 shipped pgvector as its own entry point.
  const specifiers = [`@electric-sql/pglite/contrib/${module}`, ...(name === 'vector' ? ['@electric-sql/pglite/vector'] : [])];
  for (const specifier of specifiers) {
    try {
      const exports = (await import(specifier)) as Record<string, unknown>;
      const extension = Object.values(exports).find(
        (value): value is PgliteExtensions[string] => typeof value === 'object' && value !== null && typeof (value as { setup?: unknown }).setup === 'function',
      );
      if (extension) return extension;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    }
  }
  return undefined;
}

function packageDir(): string | undefined {
  try {
    return path.dirname(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')));
  } catch {
    return undefined;
  }
}

/** The extension modules of the installed PGlite, for the hint. */
function shippedExtensions(): string[] {
  const dir = packageDir();
  if (dir === undefined) return [];
  try {
    return readdirSync(path.join(dir, 'dist', 'contrib'))
      .filter((file) => file.endsWith('.js'))
      .map((file) => file.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

/** Read from the file: the package does not export its package.json. */
function pgliteVersion(): string {
  const dir = packageDir();
  try {
    return (JSON.parse(readFileSync(path.join(dir ?? '', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'installed';
  }
}
