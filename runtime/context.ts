/**
 * The project's shared resources, reached as `bp.context` (and from a handler
 * as `request.app.context`). It starts empty; whoever fills it declares the
 * keys by declaration merging, so every use is typed:
 *
 * ```ts
 * declare module 'backendts' {
 *   interface Context { cache: Map<string, string> }
 * }
 * bp.event('startup', () => { bp.context.cache = new Map(); });
 * ```
 *
 * `backendts/db` adds `db_engine` and `db_session` this way.
 */
export interface Context {}
