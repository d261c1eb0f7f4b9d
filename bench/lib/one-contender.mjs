/**
 * What the tools that look at one contender (profile.mjs, instructions.mjs)
 * share: the --contender and --route choice, and a seeded database of its
 * own for the run, dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONTENDERS, contenderEnv } from './contenders.mjs';
import { ALL_CONTENDERS, ALL_ROUTES } from './options.mjs';
import { createDatabase, dropDatabase, seedPglite, seedPostgres, uniqueName } from './postgres.mjs';

/** Checks --contender and --route; returns the contender's description. */
export function chosenContender(values) {
  if (!ALL_CONTENDERS.includes(values.contender)) throw new Error(`--contender: one of ${ALL_CONTENDERS.join(', ')}`);
  if (!ALL_ROUTES.includes(values.route)) throw new Error(`--route: one of ${ALL_ROUTES.join(', ')}`);
  return CONTENDERS[values.contender];
}

/**
 * Creates and seeds the contender's database (a PostgreSQL one, and an
 * embedded folder for the PGlite contender), runs `fn({ env, databaseUrl })`
 * with the environment to start the contender with, then removes both.
 */
export async function withSeededDatabase({ key, pgUrl, port, purpose }, fn) {
  const pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'backendts-bench-pglite-'));
  const dbName = uniqueName(purpose);
  try {
    const databaseUrl = await createDatabase(pgUrl, dbName);
    if (CONTENDERS[key].database === 'pglite') await seedPglite(pgliteDir);
    else await seedPostgres(databaseUrl);
    const env = contenderEnv(key, { port, databaseUrl, pgliteDir, poolSize: 10 });
    return await fn({ env, databaseUrl });
  } finally {
    await dropDatabase(pgUrl, dbName).catch(() => {});
    rmSync(pgliteDir, { recursive: true, force: true });
  }
}
