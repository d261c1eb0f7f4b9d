/**
 * The OS file lock (flock) under the embedded database's folder lock. Node
 * has none of its own; it comes from the optional native dependency
 * fs-ext-extra-prebuilt, loaded on first use so that a platform without it
 * fails only when an embedded database folder is opened.
 */
import { createRequire } from 'node:module';
import { BackendtsError } from '../core/errors.js';

/** Takes (`'exnb'`: exclusive, never waits) or drops (`'un'`) the lock on `fd`; throws EWOULDBLOCK when held. */
export type Flock = (fd: number, operation: 'exnb' | 'un') => void;

const PACKAGE = 'fs-ext-extra-prebuilt';
let flock: Flock | undefined;

/** The flock binding; `BT_DB_LOCK_UNSUPPORTED` when this platform has none. */
export function loadFlock(folder: string): Flock {
  if (flock) return flock;
  try {
    const binding = createRequire(import.meta.url)(PACKAGE) as { flockSync: Flock };
    flock = binding.flockSync;
    return flock;
  } catch (error) {
    throw new BackendtsError(
      'BT_DB_LOCK_UNSUPPORTED',
      `cannot lock the embedded database at ${folder}: no OS file lock for ${process.platform}-${process.arch} (Node ${process.version})`,
      {
        hint: `install the optional dependency ${PACKAGE} (npm rebuild ${PACKAGE} builds it from source with a C++ toolchain), or use PostgreSQL (set [database] host or url)`,
        cause: error,
      },
    );
  }
}
