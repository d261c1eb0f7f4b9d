/**
 * What every project command does before touching user code: find the
 * project folder, apply `--env`, and tell the runtime where the project is.
 * The runtime registers the TypeScript loader itself, the first time it
 * imports a `.ts` file.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_ENV_VAR, PROJECT_DIR_ENV_VAR } from '../runtime/project/config.js';
import { BackendtsError } from '../runtime/core/errors.js';

/** Options every command accepts. */
export interface GlobalOptions {
  /** `--project <dir>`: the project folder; the current folder when absent. */
  project?: string;
  /** `--env <name>`: selects `config.<name>.ini` (sets BACKENDTS_ENV). */
  env?: string;
  /** `--debug`: print stacks with errors. */
  debug?: boolean;
}

/** The project a command works on. */
export interface ProjectContext {
  /** Absolute project folder. */
  projectDir: string;
  /** The environment name, when one was chosen. */
  env: string | undefined;
  /** The folder the command was run from (paths shown to the user are relative to it); process.cwd() when absent. */
  cwd?: string;
}

/** Resolves `--project` (from `cwd`) and `--env` without loading anything (for commands that create files). */
export function resolveProject(options: GlobalOptions, cwd: string = process.cwd()): ProjectContext {
  const projectDir = path.resolve(cwd, options.project ?? '.');
  if (options.env !== undefined) {
    if (typeof options.env !== 'string' || options.env === '') {
      throw new BackendtsError('BT_CLI_OPTION', '--env needs a name', { hint: 'write --env dev to read config.dev.ini' });
    }
    process.env[CONFIG_ENV_VAR] = options.env;
  }
  return { projectDir, env: process.env[CONFIG_ENV_VAR] || undefined, cwd };
}

/** Resolves the project and checks its folder; call before importing user code. */
export async function prepareProject(options: GlobalOptions, cwd: string = process.cwd()): Promise<ProjectContext> {
  const context = resolveProject(options, cwd);
  if (!existsSync(context.projectDir) || !statSync(context.projectDir).isDirectory()) {
    throw new BackendtsError('BT_PROJECT_MISSING', `project folder ${context.projectDir} does not exist`, {
      hint: 'pass --project <dir> with the folder holding config.ini, or run the command from there',
    });
  }
  process.env[PROJECT_DIR_ENV_VAR] = context.projectDir;
  return context;
}
