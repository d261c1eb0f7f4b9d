#!/usr/bin/env node
/**
 * The `backendts` command. Module resolve hooks apply only to modules
 * resolved after they are registered, and every static import of a module
 * is resolved before its body runs: so this entry registers the drizzle-orm
 * resolve hook first, then loads the commands (`cli/wiring.ts`), which
 * import drizzle-orm through the framework.
 */
import { enableCompileCache } from './compile-cache.js';
import { registerDrizzleOrmResolve } from '../runtime/drizzle-orm-resolve.js';

enableCompileCache();
registerDrizzleOrmResolve();
await import('./wiring.js');
