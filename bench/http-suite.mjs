/**
 * The HTTP suite: seeds the users table, then measures every contender on
 * every route in turns, round after round (lib/rounds.mjs). Medians over the
 * rounds.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKENDTS_CLI, CONTENDERS, contenderEnv } from './lib/contenders.mjs';
import { createDatabase, dropDatabase, seedPglite, seedPostgres, uniqueName } from './lib/postgres.mjs';
import { measureInTurns } from './lib/rounds.mjs';

const log = (line) => process.stderr.write(`${line}\n`);

/**
 * Runs the HTTP suite with the options of lib/options.mjs; resolves to
 * `{ [route]: { [contender]: { rps, p99, rss, cpu, errors } } }` with medians, plus the raw samples.
 */
export async function runHttpSuite(options) {
  const { contenders, routes, rounds, duration, warmup, connections, poolSize, pgUrl } = options;
  if (contenders.some((key) => key.startsWith('backendts')) && !existsSync(BACKENDTS_CLI)) {
    throw new Error(`${BACKENDTS_CLI} is missing: build backendts first (npm run build, or npm run bench which builds)`);
  }
  const dbName = uniqueName('http');
  const pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'backendts-bench-pglite-'));
  try {
    log(`http: seeding database ${dbName}`);
    const databaseUrl = await createDatabase(pgUrl, dbName);
    await seedPostgres(databaseUrl);
    if (contenders.includes('backendts-pglite')) {
      log(`http: seeding embedded database ${pgliteDir}`);
      await seedPglite(pgliteDir);
    }
    const measured = contenders.map((key) => ({
      key,
      ...CONTENDERS[key],
      env: (port) => contenderEnv(key, { port, databaseUrl, pgliteDir, poolSize }),
      // The embedded folder serves one contender only: its extra rows bother no one (reads stay within 1..10,000).
      resetUrl: CONTENDERS[key].database === 'postgres' ? databaseUrl : undefined,
    }));
    return await measureInTurns({ suite: 'http', contenders: measured, routes, rounds, duration, warmup, connections });
  } finally {
    await dropDatabase(pgUrl, dbName).catch((error) => log(`http: could not drop ${dbName}: ${error.message}`));
    rmSync(pgliteDir, { recursive: true, force: true });
  }
}
