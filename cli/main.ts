#!/usr/bin/env node
/**
 * The `backendts` command. Module resolve hooks apply only to modules
 * resolved after they are registered, and every static import of a module
 * is resolved before its body runs: so this entry registers the drizzle-orm
 * resolve hook first, then loads the commands (`cli/wiring.ts`), which
 * import drizzle-orm through the framework.
 */
import { enableCompileCache } from './compile-cache.js';
import { flushed, outliveClosedReader } from './process-output.js';
import { registerDrizzleOrmResolve } from '../runtime/project/drizzle-orm-resolve.js';

enableCompileCache();
registerDrizzleOrmResolve();
outliveClosedReader(process.stdout);
outliveClosedReader(process.stderr);
const { runBackendts } = await import('./wiring.js');
const exitCode = await runBackendts(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
// A command that resolved to a code is finished: exit even if a library left a handle open, once its output is out.
if (exitCode !== undefined) {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(exitCode);
}
