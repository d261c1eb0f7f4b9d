/**
 * `backendts codegen [--check] [--watch]`: collects the active apps' models
 * into `.backendts/` (schema module, types, drizzle-kit config).
 */
import path from 'node:path';
import { formatError } from '../../runtime/core/errors.js';
import { generate } from '../../codegen/generate.js';
import { watchProject } from '../../codegen/watch.js';
import type { GeneratedFile } from '../../codegen/generate.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';

/** Options of `codegen`. */
export interface CodegenOptions {
  /** Write nothing; exit 1 naming the stale files. */
  check?: boolean;
  /** Keep running and regenerate on change. */
  watch?: boolean;
}

/** Runs codegen; resolves to the exit code, or to nothing while watching. */
export async function codegen(project: ProjectContext, options: CodegenOptions, output: Output): Promise<number | void> {
  if (options.watch) return watch(project, output);
  const result = await generate({ projectDir: project.projectDir, env: project.env, check: Boolean(options.check) });
  const objects = `${result.entries.length} object${result.entries.length === 1 ? '' : 's'} from ${result.collected.apps.length} app${result.collected.apps.length === 1 ? '' : 's'}`;
  if (options.check) {
    if (!result.stale) {
      output.info(`up to date: ${objects}`);
      return 0;
    }
    output.error(`stale generated files (${objects}):`);
    for (const file of result.files) if (file.status === 'stale') output.error(`  ${shown(project, file)}`);
    output.error('hint: run backendts codegen to regenerate them');
    return 1;
  }
  output.info(`collected ${objects}`);
  for (const file of result.files) output.info(`  ${file.status === 'written' ? 'wrote    ' : 'unchanged'} ${shown(project, file)}`);
  return 0;
}

function shown(project: ProjectContext, file: GeneratedFile): string {
  return path.relative(project.projectDir, file.path);
}

/** Regenerates on every change until SIGINT/SIGTERM; failures are printed and watching goes on. */
function watch(project: ProjectContext, output: Output): void {
  const watcher = watchProject({
    projectDir: project.projectDir,
    env: project.env,
    onChange(generation) {
      const written = generation.files.filter((file) => file.status === 'written').map((file) => shown(project, file));
      const cause = generation.changed.length > 0 ? ` after a change in ${generation.changed.map((file) => path.relative(project.projectDir, file)).join(', ')}` : '';
      output.info(`generated ${generation.entries.length} objects${cause}: ${written.length > 0 ? `wrote ${written.join(', ')}` : 'no file changed'}`);
    },
    onError(error) {
      output.error(formatError(error));
    },
  });
  output.info(`watching ${project.projectDir} for changes (Ctrl+C to stop)`);
  const stop = () => {
    void watcher.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
