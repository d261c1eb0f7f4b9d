/**
 * Run by drizzle-orm-resolve.test.ts in a plain Node process: checks every
 * answer of the drizzle-orm resolve hook against Node's own resolution of
 * the same specifier, and prints `{ checked, mismatches, leftToNode }` as JSON.
 * Where Node has registerHooks, the check sits in the hook chain while
 * drizzle-orm's entry points load (every relative import between its files
 * included); elsewhere the entry points are compared with import.meta.resolve.
 */
import * as nodeModule from 'node:module';
import { resolveDrizzleOrm } from '../../dist/runtime/project/drizzle-orm-resolve.js';

const entries = ['drizzle-orm', 'drizzle-orm/pg-core', 'drizzle-orm/postgres-js', 'drizzle-orm/pglite', 'drizzle-orm/sql'];
const report = { checked: 0, mismatches: [], leftToNode: 0 };
const left = () => undefined;

function compare(specifier, context, real) {
  const mine = resolveDrizzleOrm(specifier, context, left);
  if (mine === undefined) report.leftToNode++;
  else {
    report.checked++;
    if (mine.url !== real.url || (real.format != null && mine.format !== real.format)) {
      report.mismatches.push({ specifier, parentURL: context.parentURL, mine, real });
    }
  }
}

if (typeof nodeModule.registerHooks === 'function') {
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      const real = nextResolve(specifier, context);
      compare(specifier, context, real);
      return real;
    },
  });
  for (const entry of entries) await import(entry);
} else {
  for (const entry of entries) {
    compare(entry, { parentURL: import.meta.url, conditions: ['node', 'import'] }, { url: import.meta.resolve(entry) });
  }
}
console.log(JSON.stringify(report));
