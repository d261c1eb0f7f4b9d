/**
 * The HTTP contenders: how each server is started. Every one gets the same
 * port scheme, database and pool size through the environment.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The backendts project the suite runs (bench/projects/backendts). */
export const BACKENDTS_PROJECT = path.join(ROOT, 'bench/projects/backendts');
/** The backendts command, as built into dist/. */
export const BACKENDTS_CLI = path.join(ROOT, 'dist/cli/main.js');

const server = (file) => ({ command: process.execPath, args: [path.join(ROOT, 'bench/servers', file)] });

/** Label, kind and start command of each contender, by key. */
export const CONTENDERS = {
  backendts: {
    label: 'backendts (PostgreSQL)',
    database: 'postgres',
    command: process.execPath,
    args: [BACKENDTS_CLI, 'run', '--project', BACKENDTS_PROJECT],
  },
  'backendts-pglite': {
    label: 'backendts (embedded PGlite)',
    database: 'pglite',
    command: process.execPath,
    args: [BACKENDTS_CLI, 'run', '--project', BACKENDTS_PROJECT, '--env', 'pglite'],
  },
  raw: { label: 'raw node:http + postgres.js', database: 'postgres', ...server('raw-node.mjs') },
  'node-drizzle': { label: 'node:http + Drizzle', database: 'postgres', ...server('node-drizzle.mjs') },
  fastify: { label: 'Fastify + Drizzle', database: 'postgres', ...server('fastify-drizzle.mjs') },
  hono: { label: 'Hono + Drizzle', database: 'postgres', ...server('hono-drizzle.mjs') },
};

/** Environment of a contender's process: port, database and pool size. */
export function contenderEnv(key, { port, databaseUrl, pgliteDir, poolSize }) {
  const env = { BENCH_PORT: String(port), BENCH_POOL_SIZE: String(poolSize), NODE_ENV: 'production' };
  if (CONTENDERS[key].database === 'pglite') env.BENCH_PGLITE_PATH = pgliteDir;
  else env.BENCH_DATABASE_URL = databaseUrl;
  return env;
}
