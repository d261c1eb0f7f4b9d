/**
 * Keeps V8's compiled code of the modules a command loads on disk (Node
 * 22.1+'s module compile cache, in the operating system's temporary folder),
 * so that every later command skips compiling them again: drizzle-kit alone
 * is one 2.9 MB module, compiled by create_db, makemigrations and migrate.
 * Entries are keyed by the module's source, so an edited file is compiled
 * afresh. `NODE_DISABLE_COMPILE_CACHE=1` turns it off; Node 20 has no such
 * cache and this does nothing there.
 */
import * as nodeModule from 'node:module';

/** `module.enableCompileCache` (Node 22.1+); missing from Node 20's typings. */
type EnableCompileCache = () => unknown;

/** Turns the cache on for this process when Node has one. */
export function enableCompileCache(): void {
  (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache?.();
}
