/**
 * The health routes, when `[networking] health` names a prefix (`/health`):
 *
 *   GET <prefix>/live   200 while the process answers; touches nothing else
 *   GET <prefix>/ready  200 when the database answers `select 1` within
 *                       health_timeout, 503 otherwise; the body carries the
 *                       pool's counts (`engine.stats()`)
 *
 * Neither opens a request transaction (`transaction: false`), so a full pool
 * never makes them wait for a slot; both are marked `accessLog: false` for access
 * logs. A project without a database engine is ready as soon as it answers.
 */
import type { Backendts } from '../backendts.js';
import { hasContextValue } from '../core/context.js';
import { JsonResponse } from '../core/responses.js';
import { Route } from '../core/routes.js';

/** The two health routes under `prefix`, reading the engine from `bp.context` at request time. */
export function healthRoutes(bp: Backendts, prefix: string, timeout: number): Route[] {
  const options = { name: 'health', accessLog: false, db: { transaction: false as const } };
  const live = new Route(`${prefix}/live`, 'GET', () => new JsonResponse({ status: 'live' }), options);
  const ready = new Route(
    `${prefix}/ready`,
    'GET',
    async () => {
      if (!hasContextValue(bp.context, 'db_engine')) return new JsonResponse({ status: 'ready' });
      const engine = bp.context.db_engine;
      try {
        await engine.ping(timeout);
        return new JsonResponse({ status: 'ready', pool: engine.stats() });
      } catch (error) {
        return new JsonResponse({ status: 'unavailable', reason: (error as Error).message, pool: engine.stats() }, { status: 503 });
      }
    },
    options,
  );
  return [live, ready];
}
