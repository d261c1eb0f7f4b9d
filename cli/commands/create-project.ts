/**
 * `backendts create_project --name <name> [--full]`: writes a new TypeScript
 * project that passes `codegen`, `create_db` (embedded database) and `run`
 * as it is. Never overwrites a file.
 */
import path from 'node:path';
import type { Output } from '../output.js';
import { backendtsSource, type BackendtsSource } from '../package-source.js';
import type { ProjectContext } from '../prepare.js';
import { checkProjectName } from '../templates/names.js';
import { projectFiles, type ProjectVersions } from '../templates/project.js';
import { writeNewFiles } from '../templates/write-files.js';

/** Options of `create_project`. */
export interface CreateProjectOptions {
  name: unknown;
  full: boolean;
  /** True when `--project <dir>` chose the folder; otherwise it is `./<name>`. */
  projectGiven: boolean;
}

/** Creates the project's files; resolves to the exit code. */
export async function createProject(project: ProjectContext, options: CreateProjectOptions, output: Output): Promise<number> {
  const name = checkProjectName(options.name);
  const cwd = project.cwd ?? process.cwd();
  const dir = options.projectGiven ? project.projectDir : path.resolve(cwd, name);
  const source = backendtsSource();
  const written = writeNewFiles(dir, projectFiles(name, options.full, dependencyVersions(source)), `project "${name}"`, cwd);
  output.info(`created project "${name}" in ${dir}:`);
  for (const file of written) output.info(`  ${path.relative(dir, file)}`);
  if (source.pack !== undefined) {
    // Not a registry install: the project installs this copy, packed.
    source.pack(dir);
    output.info(`  ${source.dependency.slice('file:'.length)} (this copy of backendts, packed)`);
  }
  const shown = path.relative(cwd, dir) || '.';
  output.info('next:');
  output.info(`  cd ${shown}`);
  output.info('  npm install');
  output.info('  npx backendts codegen      # collect the models into .backendts/');
  output.info('  npx backendts create_db    # create the embedded database and its tables');
  output.info('  npx backendts run          # serve on http://127.0.0.1:8000');
  return 0;
}

/** The versions this copy of backendts was built with, so a new project installs a matching set. */
function dependencyVersions(source: BackendtsSource): ProjectVersions {
  const manifest = source.manifest;
  return {
    backendts: source.dependency,
    drizzleOrm: manifest.peerDependencies?.['drizzle-orm'] ?? manifest.devDependencies?.['drizzle-orm'] ?? '^0.45.0',
    typescript: manifest.devDependencies?.typescript ?? '^5.9.0',
    typesNode: manifest.devDependencies?.['@types/node'] ?? '^20.19.0',
  };
}
