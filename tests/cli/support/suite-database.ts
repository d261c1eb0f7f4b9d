/**
 * The database a create_db suite runs on, for either driver: a PostgreSQL
 * database of its own on the test server, or the project's embedded one.
 */
import { pgliteInspector, postgresInspector, type Inspector } from './inspect.js';
import { dropDatabase, postgresUrl, uniqueDatabaseName } from './postgres.js';

/** Which database a suite runs on. */
export type Driver = 'postgres' | 'pglite';

/** How test titles name a driver's database. */
export function driverLabel(driver: Driver): string {
  return driver === 'postgres' ? 'PostgreSQL' : 'the embedded database (PGlite)';
}

/** A suite's database: the environment that points the CLI at it, an inspector, and its removal. */
export interface SuiteDatabase {
  /** The PostgreSQL database's name; undefined on PGlite. */
  name: string | undefined;
  /** `DATABASE_URL` on PostgreSQL; nothing on PGlite (the project's config.ini names the folder). */
  env: Record<string, string>;
  db: Inspector;
  /** Drops the PostgreSQL database; the embedded one goes with its project folder. */
  drop(): Promise<void>;
}

/** A new database for `driver`; on PGlite, `embeddedFolder` says where the project keeps it (read at each inspection: projects move). */
export function suiteDatabase(driver: Driver, prefix: string, embeddedFolder: () => string): SuiteDatabase {
  if (driver === 'pglite') return { name: undefined, env: {}, db: pgliteInspector(embeddedFolder), drop: async () => {} };
  const name = uniqueDatabaseName(prefix);
  return { name, env: { DATABASE_URL: postgresUrl(name) }, db: postgresInspector(name), drop: () => dropDatabase(name) };
}
