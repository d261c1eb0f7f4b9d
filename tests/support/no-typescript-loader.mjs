// Given to a child process with --import: any import of tsx fails, so a
// test sees that the process never needed a TypeScript loader.
import { register } from 'node:module';

const hooks = `export async function resolve(specifier, context, next) {
  if (/^tsx(\\/|$)/.test(specifier)) throw new Error('the TypeScript loader (' + specifier + ') was imported');
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
