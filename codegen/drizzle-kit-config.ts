/**
 * The drizzle-kit config of a project, computed when drizzle-kit loads the
 * generated `.backendts/drizzle.config.ts`: the schema is the generated one,
 * and the database is the one config.ini names (read then, so the generated
 * file holds no credentials and stays the same on every machine).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config as DrizzleKitConfig } from 'drizzle-kit';
import { loadConfig } from '../runtime/project/config.js';
import { readDatabaseSettings, type DatabaseSettings } from '../runtime/db/settings.js';

/** The drizzle-kit config {@link drizzleKitConfig} gives: PostgreSQL, or the embedded PGlite folder. */
export type ProjectDrizzleKitConfig = Extract<DrizzleKitConfig, { dialect: 'postgresql'; driver: 'pglite' }> | PostgresKitConfig;

/** The PostgreSQL form of drizzle-kit's config (no driver: drizzle-kit's own postgres client). */
type PostgresKitConfig = Exclude<Extract<DrizzleKitConfig, { dialect: 'postgresql' }>, { driver: unknown }> & {
  dbCredentials: { url: string } | { host: string; port: number; database: string; user?: string; password?: string; ssl: Exclude<DatabaseSettings['ssl'], false> };
};

/** Options of {@link drizzleKitConfig}. */
export interface DrizzleKitConfigOptions {
  /** Environment name selecting `config.<env>.ini`; defaults to `BACKENDTS_ENV`. */
  env?: string | undefined;
}

/**
 * drizzle-kit's config for the project whose generated folder holds
 * `generatedFile` (pass `import.meta.url`): dialect postgresql, the
 * generated schema, migrations in `<project>/drizzle`, the PostgreSQL
 * URL or embedded PGlite folder and the column `casing` from config.ini.
 */
export function drizzleKitConfig(generatedFile: string, options: DrizzleKitConfigOptions = {}): ProjectDrizzleKitConfig {
  const file = generatedFile.startsWith('file:') ? fileURLToPath(generatedFile) : generatedFile;
  const generatedDir = path.dirname(file);
  const projectDir = path.dirname(generatedDir);
  const { config, file: configFile } = loadConfig(projectDir, { env: options.env });
  const { target, ssl, casing } = readDatabaseSettings(config, { projectDir, configFile });
  // drizzle-kit resolves these against its working folder: make them absolute.
  const base = {
    dialect: 'postgresql' as const,
    schema: path.join(generatedDir, 'schema.ts'),
    out: path.join(projectDir, 'drizzle'),
    // The column names the runtime and create_db use: `[database] casing`.
    ...(casing !== undefined && { casing }),
  };
  if (target.driver === 'pglite') return { ...base, driver: 'pglite', dbCredentials: { url: target.path } };
  if (ssl === false) return { ...base, dbCredentials: { url: target.url } };
  return {
    ...base,
    dbCredentials: {
      host: target.host,
      port: target.port,
      database: target.name,
      ...(target.username === undefined ? {} : { user: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
      ssl,
    },
  };
}
