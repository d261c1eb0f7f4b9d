/**
 * PGlite and Drizzle's PGlite driver, imported only when an embedded engine
 * opens: a server on PostgreSQL never loads them (their modules cost start-up
 * time and memory for nothing there).
 */
import type { PGlite } from '@electric-sql/pglite';
import type { drizzle } from 'drizzle-orm/pglite';
import { BackendtsError } from '../core/errors.js';

/** What the embedded engine needs from the two packages. */
export interface PgliteDriver {
  PGlite: typeof PGlite;
  drizzle: typeof drizzle;
}

let loaded: PgliteDriver | undefined;

/** Imports both packages once per process. */
export async function loadPgliteDriver(): Promise<PgliteDriver> {
  if (loaded === undefined) {
    const [pglite, orm] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]);
    loaded = { PGlite: pglite.PGlite, drizzle: orm.drizzle };
  }
  return loaded;
}

/** The driver an open embedded engine was made with (`getDbEngine` loads it before opening one). */
export function pgliteDriver(): PgliteDriver {
  if (loaded === undefined) {
    throw new BackendtsError('BT_PGLITE_NOT_LOADED', 'the embedded database driver was asked for before any embedded engine was opened', {
      hint: 'make embedded (PGlite) engines with getDbEngine(), which loads the driver first',
    });
  }
  return loaded;
}
