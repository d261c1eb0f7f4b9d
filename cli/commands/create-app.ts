/**
 * `backendts create_app --name <name> [--full]`: writes `apps/<name>/` in the
 * project and adds it to `[apps] active` in the config file. Never
 * overwrites a file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { configFileName } from '../../runtime/project/config.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';
import { activateApp } from '../templates/activate-app.js';
import { appFiles } from '../templates/app.js';
import { checkAppName } from '../templates/names.js';
import { writeNewFiles } from '../templates/write-files.js';

/** Options of `create_app`. */
export interface CreateAppOptions {
  name: unknown;
  full: boolean;
}

/** Creates the app's files and activates it; resolves to the exit code. */
export async function createApp(project: ProjectContext, options: CreateAppOptions, output: Output): Promise<number> {
  const name = checkAppName(options.name);
  const configFile = path.join(project.projectDir, configFileName(project.env));
  if (!existsSync(configFile)) {
    throw new BackendtsError('BT_CONFIG_MISSING', `no ${path.basename(configFile)} in ${project.projectDir}`, {
      hint: 'run create_app in a project folder (or pass --project <dir>); create one with backendts create_project --name <name>',
    });
  }
  const appDir = path.join(project.projectDir, 'apps', name);
  const written = writeNewFiles(appDir, appFiles(name, options.full), `app "${name}"`, project.cwd ?? process.cwd());
  output.info(`created app "${name}" in ${appDir}:`);
  for (const file of written) output.info(`  ${path.relative(project.projectDir, file)}`);
  const entry = `apps/${name}`;
  const activation = activateApp(configFile, entry);
  if (activation === 'added') output.info(`added ${entry} to [apps] active in ${path.basename(configFile)}`);
  else if (activation === 'already-active') output.info(`${entry} is already in [apps] active`);
  else output.warn(`could not edit ${path.basename(configFile)}: add ${entry} to [apps] active yourself`);
  output.info('next: backendts codegen && backendts create_db');
  return 0;
}
