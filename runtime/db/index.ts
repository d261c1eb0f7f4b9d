/**
 * `backendts/db`: the database layer. Engines for PostgreSQL (postgres.js)
 * and the embedded PGlite, the request-scoped session, and the hooks that
 * wire both into a project.
 */
export { setDatabaseHooks } from './set-database-hooks.js';
export type { SetDatabaseHooksOptions } from './set-database-hooks.js';
export { getDbEngine } from './engine.js';
export type { DbEngine, DbEngineStats, PostgresDbEngine, PgliteDbEngine, GetDbEngineOptions } from './engine.js';
export type { ReplicaStats } from './replicas.js';
export type { SlotCounts } from './transaction-slots.js';
export { getDbSession, onCommit } from './get-db-session.js';
export type { DbSessionGetter, DbSessionOptions, GetDbSessionOptions, ScopeFunction } from './get-db-session.js';
export type { TransactionMode } from './scope-session.js';
export { readDatabaseSettings } from './settings.js';
export type { DatabaseSettings, DatabaseTarget, IsolationLevel, ReadDatabaseSettingsOptions } from './settings.js';
export type { ColumnCasing } from './casing.js';
export type { SqlLog } from './echo.js';
export { constraintViolationOf } from './constraint-violations.js';
export type { ConstraintKind, ConstraintViolationDetails } from './constraint-violations.js';
export type { Register, RegisteredSchema, DbSession, AnySchema } from './types.js';
