/**
 * `backendts/db`: the database layer. Engines for PostgreSQL (postgres.js)
 * and the embedded PGlite, and the settings they are made from.
 */
export { getDbEngine } from './engine.js';
export type { DbEngine, PostgresDbEngine, PgliteDbEngine, GetDbEngineOptions } from './engine.js';
export { readDatabaseSettings, describeTarget, DEFAULT_PGLITE_PATH } from './settings.js';
export type { DatabaseSettings, DatabaseTarget, IsolationLevel, ReadDatabaseSettingsOptions } from './settings.js';
export { echoLogger } from './echo.js';
export type { SqlLog } from './echo.js';
export { isConnectionError } from './faults.js';
export type { Register, RegisteredSchema, DbSession, AnySchema } from './types.js';
