/**
 * `backendts create_db`: creates the project's database when it is missing
 * and brings it to the models. Never asks questions. A run first asks the
 * database whether anything the last push was built from changed
 * (sources-check.ts); only then are the models loaded and pushed
 * (push-models.ts, loaded on demand: it brings drizzle-orm and drizzle-kit).
 */
import { performance } from 'node:perf_hooks';
import { checkSources } from '../create-db/sources-check.js';
import type { CreateDbOptions } from '../create-db/push-models.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';

export type { CreateDbOptions } from '../create-db/push-models.js';

/** Runs create_db; resolves to the process exit code (0, or 2 for a refused destructive change). */
export async function createDb(project: ProjectContext, options: CreateDbOptions, output: Output): Promise<number> {
  const check = await checkSources(project, output);
  let code = 0;
  if (check !== 'up to date') {
    const { pushModels } = await import('../create-db/push-models.js');
    code = await pushModels(project, options, output, { databaseMissing: check === 'database missing' });
  }
  // From process start (performance's time origin): the wait the user had, start-up and loading included.
  if (code === 0) output.info(`done in ${(performance.now() / 1000).toFixed(1)} s`);
  return code;
}
