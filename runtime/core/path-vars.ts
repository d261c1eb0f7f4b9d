/**
 * The type of `request.urlVars`, read from the route's path as written:
 * `'/users/<id:int>/posts/<slug>'` gives `{ id: number; slug: string }`, so a
 * handler uses its variables without casts. A regex path gives a record of
 * strings (its named groups); a path whose text is not known to the compiler
 * (a `string` variable) gives {@link UrlVars}.
 */
import type { UrlVars } from './router.js';

/** One `<…>` of a pattern as a property: `id:int` gives `{ id: number }`, `slug`, `slug:str` and `rest:path` a string. */
type PatternVarEntry<Var extends string> = Var extends `${infer Name}:${infer Converter}`
  ? { [K in Name]: Converter extends 'int' ? number : string }
  : { [K in Var]: string };

/** Every `<…>` of a pattern, as one intersection of properties. */
type PatternVarEntries<Path extends string> = Path extends `${string}<${infer Var}>${infer Rest}`
  ? PatternVarEntry<Var> & PatternVarEntries<Rest>
  : unknown;

/** Shows an intersection as the single object type it is. */
type Flatten<T> = { [K in keyof T]: T[K] } & {};

/**
 * The `request.urlVars` type of a route path: a pattern's variables
 * (`'/users/<id:int>'` gives `{ id: number }`), a record of strings for a
 * regex (a RegExp or a string starting with `^`), `UrlVars` for a path only
 * known at run time.
 */
export type PathVars<Path> = Path extends RegExp
  ? Record<string, string>
  : Path extends string
    ? string extends Path
      ? UrlVars
      : Path extends `^${string}`
        ? Record<string, string>
        : Flatten<PatternVarEntries<Path>>
    : UrlVars;
