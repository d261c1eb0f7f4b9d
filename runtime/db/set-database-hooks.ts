/**
 * `setDatabaseHooks(bp)`: one call in the main module wires the database into
 * the project's lifecycle, as the seed's helper layer does:
 *
 *   startup             make the engine from [database], check it answers,
 *                       put db_engine and db_session into bp.context
 *   success_response    commit (before the response is sent; a failed commit
 *                       turns the response into an error)
 *   exception_response  roll back
 *   request_end         release, whatever happened
 *   shutdown            close the engine (after in-flight requests)
 *
 * plus a handler-layer middleware that answers 503 when the database was lost.
 */
import path from 'node:path';
import { collectAppSchema } from '../schema/app-schema.js';
import type { Backendts } from '../backendts.js';
import { setPendingKey } from '../core/context.js';
import { BackendtsError } from '../core/errors.js';
import { GENERATED_DIR, isGeneratedSchemaStale } from '../project/generated-files.js';
import type { Request } from '../core/request.js';
import type { SqlLog } from './echo.js';
import { getDbEngine, type DbEngine } from './engine.js';
import { getDbSession, releaseScope, type DbSessionGetter } from './get-db-session.js';
import { checkPendingMigrations } from './pending-migrations.js';
import type { TransactionMode } from './scope-session.js';
import type { AnySchema } from './types.js';

declare module '../core/context.js' {
  interface Context {
    /**
     * The project's database engine, set on `startup` by `setDatabaseHooks`.
     * Reading it earlier throws `BT_DB_NOT_STARTED`, and in a project that
     * never called `setDatabaseHooks` throws `BT_CONTEXT_UNSET`.
     */
    db_engine: DbEngine;
    /**
     * The request's database handle getter: `request.app.context.db_session()`.
     * Set on `startup`; reaching it earlier throws `BT_DB_NOT_STARTED`, and in
     * a project that never called `setDatabaseHooks` throws `BT_CONTEXT_UNSET`.
     */
    db_session: DbSessionGetter;
  }
}

/** Options of {@link setDatabaseHooks}. */
export interface SetDatabaseHooksOptions {
  /** The Drizzle schema record to use instead of collecting the active apps' model modules. */
  schema?: AnySchema;
  /** Where echoed SQL goes when `[database] echo` is on; defaults to the console. */
  log?: SqlLog;
}

/**
 * Registers the startup, per-request and shutdown hooks that give every
 * request a lazily opened transaction through `request.app.context.db_session()`.
 */
export function setDatabaseHooks(bp: Backendts, options: SetDatabaseHooksOptions = {}): void {
  let getter: DbSessionGetter | undefined;
  for (const key of ['db_engine', 'db_session']) setPendingKey(bp.context, key, () => notStarted(bp, key));

  bp.event('startup', async () => {
    const schema = options.schema ?? (await collectProjectSchema(bp));
    const engine = (await getDbEngine(bp.config, {
      projectDir: bp.projectDir,
      configFile: bp.configFile,
      schema,
      logger: bp.logger,
      ...(options.log !== undefined && { log: options.log }),
    })) as DbEngine;
    await checkPendingMigrations(engine, bp.projectDir, bp.logger).catch(async (error: unknown) => {
      await engine.close();
      throw error;
    });
    getter = getDbSession(engine, () => bp.getCurrentRequest(), {
      mode: (key) => routeMode(key as Request),
      label: (key) => describeRequest(key as Request),
      signal: (key) => (key as Request).signal,
      report: (error) => bp.logger.error({ err: error }, `backendts: a statement was refused and nothing handled the refusal: ${error.message}`),
    });
    bp.context.db_engine = engine;
    bp.context.db_session = getter;
  });

  // These run for every request: a request that never called db_session()
  // returns at once, without a promise to await.
  bp.event('success_response', ({ request }) => {
    if (getter === undefined || !getter.has(request)) return undefined;
    // Nobody will see this response: keep nothing of what the request did.
    return request.clientGone ? getter.rollback(request) : getter.commit(request);
  });

  bp.event('exception_response', ({ request }) => {
    if (getter === undefined || !getter.has(request)) return undefined;
    return getter.rollback(request);
  });

  bp.event('request_end', ({ request }) => {
    if (getter === undefined || !getter.has(request)) return undefined;
    return releaseScope(getter as DbSessionGetter<AnySchema>, request);
  });

  bp.event('shutdown', async () => {
    const engine = getter?.engine;
    getter = undefined;
    // The runtime has waited for in-flight requests: whatever is left is a
    // statement stuck on a connection that died, not work worth waiting for.
    await engine?.close({ timeout: 1 });
  });
}

/** The request as log lines name it: method, path, and its id when the client sent one. */
function describeRequest(request: Request): string {
  const id = request.headers['x-request-id'];
  return `${request.method} ${request.path}${typeof id === 'string' && id !== '' ? ` (request id ${id.slice(0, 100)})` : ''}`;
}

function routeMode(request: Request): TransactionMode {
  const transaction = request.route?.options.db?.transaction;
  return transaction === undefined ? 'read-write' : transaction;
}

/**
 * The schema of the apps the project loaded, collected as codegen collects
 * it. The generated files only carry the types, so a stale .backendts/ is
 * worth a warning, not a refusal.
 */
async function collectProjectSchema(bp: Backendts): Promise<AnySchema> {
  const collected = await collectAppSchema(bp.projectDir, bp.apps);
  if (await isGeneratedSchemaStale(bp.projectDir, collected.hash)) {
    const dir = path.join(bp.projectDir, GENERATED_DIR);
    bp.logger.warn(
      `backendts: the generated schema in ${dir} is missing or does not match the apps' models; run \`backendts codegen\` so db_session() is typed with them`,
    );
  }
  return collected.schema;
}

/** Reading the database keys after `setDatabaseHooks`, before `startup` opened the database. */
function notStarted(bp: Backendts, key: string): BackendtsError {
  return new BackendtsError('BT_DB_NOT_STARTED', `bp.context.${key} was read before ${bp.projectDir} started: the database opens in the startup event`, {
    hint: `reach it in request handlers, in startup handlers registered after setDatabaseHooks(bp), or after await bp.start()`,
  });
}
