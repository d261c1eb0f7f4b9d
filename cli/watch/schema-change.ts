/**
 * What `run --watch` does when the models changed since the previous
 * server. On the embedded database, whose data folder the server holds
 * locked (so `create_db` cannot run beside it), the server child runs
 * `create_db` itself before it opens the database: a change without data
 * loss is applied; one that would lose data (or could be a rename) is
 * refused whole, as `create_db` refuses it, and the new code is served on
 * the old schema until the user runs `create_db --force` with the server
 * stopped. A PostgreSQL database, or any project with migrations, is never
 * changed: the user is told what to run.
 */
import { BackendtsError, formatError } from '../../runtime/core/errors.js';
import type { Config } from '../../runtime/project/config.js';
import { readDatabaseSettings } from '../../runtime/db/settings.js';
import { hasMigrations } from '../migrations/folder.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';

/** What a change of the models leads to: create_db on the embedded database, or a line telling the user what to run. */
export function schemaChangeAction(projectDir: string, config: Config, configFile: string): { push: true } | { push: false; message: string } {
  if (hasMigrations(projectDir)) {
    return { push: false, message: 'models changed: the project has migrations/, so --watch changes no database; run backendts makemigrations, then backendts migrate' };
  }
  const { target } = readDatabaseSettings(config, { projectDir, configFile });
  if (target.driver === 'postgres') {
    return { push: false, message: `models changed: --watch does not change the PostgreSQL database "${target.name}"; run backendts create_db to apply them` };
  }
  return { push: true };
}

/** Follows a change of the models before the server starts; never throws for a refused or failed push (the server starts anyway). */
export async function applySchemaChange(project: ProjectContext, config: Config, configFile: string, output: Output): Promise<void> {
  const action = schemaChangeAction(project.projectDir, config, configFile);
  if (!action.push) {
    output.info(action.message);
    return;
  }
  const applied: string[] = [];
  let code: number;
  try {
    // Straight to the run that loads the models: they did change, so create_db's first check (another open of the embedded database) would only say so.
    const { pushModels } = await import('../create-db/push-models.js');
    code = await pushModels(project, {}, statementsOnly(output, applied), { databaseMissing: false, serverFollows: true });
  } catch (error) {
    if (!(error instanceof BackendtsError)) throw error;
    output.error(formatError(error));
    code = 1;
  }
  if (code === 0) {
    output.info(applied.length === 0
      ? 'models changed: the embedded database already matches them'
      : `models changed: applied ${applied.length} statement${applied.length === 1 ? '' : 's'} to the embedded database`);
    for (const statement of applied) output.info(`  ${statement}`);
    return;
  }
  output.error(
    'models changed: nothing was applied to the embedded database, and the new code runs on the old schema; ' +
      'stop the server (Ctrl+C), run backendts create_db' + (code === 2 ? ' --force' : '') + ', then run --watch again',
  );
}

/** create_db's output reduced to what the watcher reports: the statements it applies (kept in `applied`), warnings and refusals. */
function statementsOnly(output: Output, applied: string[]): Output {
  return {
    verbose: true,
    info: () => {},
    detail: (line) => applied.push(line),
    warn: (line) => output.warn(line),
    error: (line) => output.error(line),
    progress: () => {},
  };
}
