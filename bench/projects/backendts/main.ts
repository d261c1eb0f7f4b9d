/** The benchmark project's main module: one app, the request-scoped database handle. */
import { Backendts } from 'backendts';
import { setDatabaseHooks } from 'backendts/db';

/** The project instance served by `backendts run`. */
export const bp = new Backendts({ projectDir: import.meta.dirname });

setDatabaseHooks(bp);
