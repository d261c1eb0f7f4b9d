/**
 * The build-time suite: on the generated 100 apps × 10 tables project, times
 * `backendts codegen` (cold: first in a folder tsx never transformed, then
 * with no `.backendts/`), `backendts create_db` on an empty database and
 * its no-change re-run (and, on PostgreSQL, from a fresh checkout: a no-change run, then one column added), on PostgreSQL and on the embedded default, and
 * `drizzle-kit push` on the same schema and the same kinds of database, and
 * the raw DDL limit on PostgreSQL: create_db's planned statements run by
 * `psql -1 -f` into an empty database.
 * A database step still running after `--build-timeout` seconds is stopped
 * and reported as such, so the suite stays bounded.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BACKENDTS_CLI, ROOT } from './lib/contenders.mjs';
import { appName } from './fixtures/generate-project.mjs';
import { generateBenchProject } from './lib/generated-project.mjs';
import { createDatabase, dropDatabase, uniqueName } from './lib/postgres.mjs';
import { psqlArgs, writePlannedDdl } from './lib/raw-ddl.mjs';
import { median, ratio } from './lib/stats.mjs';
import { timeCommand } from './lib/timing.mjs';

const DRIZZLE_KIT = path.join(ROOT, 'node_modules/drizzle-kit/bin.cjs');
/** codegen with no .backendts/; the first run is apart: tsx caches its transforms by file path, so a new folder transforms every module. */
export const CODEGEN = 'backendts codegen (cold, no .backendts/)';
export const CODEGEN_NEW_FOLDER = 'backendts codegen (cold, first run in a new folder)';
const log = (line) => process.stderr.write(`${line}\n`);

/** The steps on a fresh checkout (no .backendts/) of the project just pushed to PostgreSQL. */
export const FRESH_NO_CHANGE = 'backendts create_db, PostgreSQL, no change, fresh checkout';
export const FRESH_ONE_COLUMN = 'backendts create_db, PostgreSQL, one column added, fresh checkout';
/** Steps with a target of their own, in seconds: the no-change run with its local state, and the fresh checkout's. */
export const STEP_TARGETS = { 'backendts create_db, PostgreSQL, no change': 0.5, [FRESH_NO_CHANGE]: 1, [FRESH_ONE_COLUMN]: 1.5 };

/** create_db's planned statements run by psql into an empty database, and the create_db step it is the limit of. */
export const RAW_DDL = 'psql -1 -f (create_db\'s statements), PostgreSQL, empty';
export const RAW_DDL_OF = 'backendts create_db, PostgreSQL, empty';

/** Adds a nullable column to the first table of the first app; returns a function that puts the model back. */
function addOneColumn(projectDir) {
  const file = path.join(projectDir, 'apps', appName(0), 'db', 'models.ts');
  const source = readFileSync(file, 'utf8');
  const anchor = "    data: jsonb('data'),\n";
  if (!source.includes(anchor)) throw new Error(`${file} has no line ${anchor.trim()} to add a column after`);
  writeFileSync(file, source.replace(anchor, `${anchor}    note: text('note'),\n`));
  return () => writeFileSync(file, source);
}

/** A drizzle-kit config for the generated schema and one database of its own. */
function writeDrizzleConfig(projectDir, name, credentials) {
  const file = path.join(projectDir, `drizzle.${name}.config.mjs`);
  const config = { dialect: 'postgresql', schema: './.backendts/schema.ts', ...credentials };
  writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
  return file;
}

/** The database steps of one round, in order: [label, kind of database, tool, state]. */
function databaseSteps() {
  const steps = [];
  for (const [where, kind] of [['PostgreSQL', 'postgres'], ['embedded PGlite', 'pglite']]) {
    if (kind === 'postgres') steps.push({ label: RAW_DDL, kind, tool: 'psql', state: 'empty' });
    for (const state of ['empty', 'no change']) {
      for (const tool of ['backendts create_db', 'drizzle-kit push']) steps.push({ label: `${tool}, ${where}, ${state}`, kind, tool, state });
    }
    // A second copy of the project with no .backendts/ (a fresh checkout) on the database just pushed: nothing to do.
    if (kind === 'postgres') {
      const tool = 'backendts create_db';
      steps.push({ label: FRESH_NO_CHANGE, kind, tool, state: 'no change', fresh: true });
      // Then one nullable column more in one table of that checkout: planned from the stored schema.
      steps.push({ label: FRESH_ONE_COLUMN, kind, tool, state: 'one column added', fresh: true, change: true });
    }
  }
  return steps;
}

/**
 * Runs the build-time suite; resolves to `{ project, rounds, codegenRounds, timeout, steps, codegen, codegenNewFolder }`
 * where each step is `{ label, seconds (median of the finished runs), samples, stopped, versusPush, versusRawDdl }`,
 * `versusPush` (create_db steps only) is `{ value, upper }`: create_db ÷ push, an upper bound when push was stopped,
 * and `versusRawDdl` (create_db on an empty PostgreSQL database only) is create_db ÷ psql.
 */
export async function runBuildSuite(options) {
  if (!existsSync(BACKENDTS_CLI)) {
    throw new Error(`${BACKENDTS_CLI} is missing: build backendts first (npm run build, or npm run bench which builds)`);
  }
  const { buildRounds: rounds, codegenRounds, buildTimeout: timeout } = options;
  const { projectDir, description } = await generateBenchProject({ apps: options.buildApps });
  const samples = new Map();
  const stopped = new Map();
  const record = (label, run) =>
    run.then(
      ({ seconds }) => {
        samples.set(label, [...(samples.get(label) ?? []), seconds]);
        log(`  ${label}: ${seconds.toFixed(2)} s`);
      },
      (error) => {
        if (!error.timedOut) throw error;
        stopped.set(label, (stopped.get(label) ?? 0) + 1);
        log(`  ${label}: stopped after ${timeout} s`);
      },
    );
  const fresh = await generateBenchProject({ apps: options.buildApps });
  const backendts = (command, env, limit = timeout, dir = projectDir) =>
    timeCommand(`backendts ${command}`, process.execPath, [BACKENDTS_CLI, command, '--project', dir], {
      cwd: dir,
      env,
      timeoutSeconds: limit,
    });
  const push = (config) =>
    timeCommand('drizzle-kit push', process.execPath, [DRIZZLE_KIT, 'push', '--config', config], { cwd: projectDir, timeoutSeconds: timeout });
  const embedded = { 'backendts create_db': path.join(projectDir, '.backendts/db'), 'drizzle-kit push': path.join(projectDir, '.drizzle-kit-pglite') };
  const databases = [];
  const freshDatabase = async (purpose) => {
    const name = uniqueName(purpose);
    databases.push(name);
    return createDatabase(options.pgUrl, name);
  };
  try {
    log(`build: project ${description} in ${projectDir}`);
    for (let round = 0; round < codegenRounds; round++) {
      rmSync(path.join(projectDir, '.backendts'), { recursive: true, force: true });
      await record(round === 0 ? CODEGEN_NEW_FOLDER : CODEGEN, backendts('codegen', { DATABASE_URL: undefined }, 300));
    }
    const rawDdl = writePlannedDdl(projectDir, await freshDatabase('build_plan'));
    log(`build: ${rawDdl.statements} statements planned for an empty database, for psql`);
    for (let round = 0; round < rounds; round++) {
      log(`build: database steps, round ${round + 1}/${rounds}`);
      const urls = {};
      for (const tool of ['backendts create_db', 'drizzle-kit push']) {
        urls[tool] = await freshDatabase(tool === 'drizzle-kit push' ? 'build_kit' : 'build');
        rmSync(embedded[tool], { recursive: true, force: true });
      }
      urls.psql = await freshDatabase('build_psql');
      const kitConfig = {
        postgres: writeDrizzleConfig(projectDir, 'pg', { dbCredentials: { url: urls['drizzle-kit push'] } }),
        pglite: writeDrizzleConfig(projectDir, 'pglite', { driver: 'pglite', dbCredentials: { url: embedded['drizzle-kit push'] } }),
      };
      for (const step of databaseSteps()) {
        if (step.tool === 'drizzle-kit push') await record(step.label, push(kitConfig[step.kind]));
        else if (step.tool === 'psql') await record(step.label, timeCommand('psql', 'psql', psqlArgs(urls.psql, rawDdl.file), { cwd: projectDir, timeoutSeconds: timeout }));
        else {
          const env = { DATABASE_URL: step.kind === 'postgres' ? urls[step.tool] : undefined };
          const restore = step.change ? addOneColumn(fresh.projectDir) : undefined;
          try {
            await record(step.label, backendts('create_db', env, timeout, step.fresh ? fresh.projectDir : projectDir));
          } finally {
            restore?.();
          }
        }
      }
    }
  } finally {
    for (const name of databases) await dropDatabase(options.pgUrl, name).catch(() => {});
    rmSync(projectDir, { recursive: true, force: true });
    rmSync(fresh.projectDir, { recursive: true, force: true });
  }
  const seconds = (label) => median(samples.get(label) ?? []);
  const labels = [CODEGEN_NEW_FOLDER, CODEGEN, ...databaseSteps().map((step) => step.label)].filter((label) => samples.has(label) || stopped.has(label));
  const steps = labels.map((label) => {
    const candidate = label.startsWith('backendts create_db') ? label.replace('backendts create_db', 'drizzle-kit push') : undefined;
    // The fresh-checkout step has no drizzle-kit counterpart.
    const pushLabel = candidate && (samples.has(candidate) || stopped.has(candidate)) ? candidate : undefined;
    return {
      label,
      seconds: seconds(label),
      samples: samples.get(label) ?? [],
      stopped: stopped.get(label) ?? 0,
      versusPush: pushLabel && !stopped.has(label) ? versusPush(seconds(label), pushLabel) : undefined,
      versusRawDdl: label === RAW_DDL_OF && samples.has(label) && samples.has(RAW_DDL) ? ratio(seconds(label), seconds(RAW_DDL)) : undefined,
    };
  });
  return {
    project: description,
    rounds,
    codegenRounds,
    timeout,
    steps,
    codegen: samples.has(CODEGEN) ? seconds(CODEGEN) : undefined,
    codegenNewFolder: seconds(CODEGEN_NEW_FOLDER),
  };

  /**
   * create_db ÷ push. When push was stopped, its time is only known to exceed
   * the limit, so the ratio is an upper bound (`upper: true`).
   */
  function versusPush(ours, pushLabel) {
    if (!stopped.has(pushLabel)) return { value: ratio(ours, seconds(pushLabel)), upper: false };
    return { value: ratio(ours, timeout), upper: true };
  }
}
