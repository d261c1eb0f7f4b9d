/**
 * Finds and imports the model modules of the active apps: checks each
 * `models` entry, resolves it to a file and imports all of them, reporting
 * a failure with the app and the file at fault.
 */
import path from 'node:path';
import type { LoadedApp } from '../project/apps.js';
import { resolveModelFile } from '../project/apps.js';
import { importModules, type ModuleImporter } from '../project/import-modules.js';
import { BackendtsError } from '../core/errors.js';

/** One model module of one app, resolved to a file. */
export interface ModelModule {
  app: LoadedApp;
  /** The `models` entry as the app wrote it (`./db/models` or a package specifier). */
  modelPath: string;
  /** Absolute path of the module file. */
  file: string;
}

/** A model module and what it exports. */
export interface ImportedModelModule extends ModelModule {
  exports: Record<string, unknown>;
}

/** A path for messages: relative to the project when inside it, absolute otherwise. */
export function displayPath(projectDir: string, file: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

/** Resolves every app's `models` entries, in config order then listed order. */
export function resolveModelModules(projectDir: string, apps: readonly LoadedApp[]): ModelModule[] {
  const modules: ModelModule[] = [];
  const owners = new Map<string, ModelModule>();
  for (const app of apps) {
    const mainFile = displayPath(projectDir, app.mainFile);
    if (!Array.isArray(app.app.models)) {
      throw new BackendtsError('BT_MODELS_INVALID', `app "${app.name}": \`models\` in ${mainFile} is not a list`, {
        hint: "write models: ['./db/models'] (paths relative to the app folder)",
      });
    }
    app.app.models.forEach((modelPath: unknown, index) => {
      if (typeof modelPath !== 'string' || modelPath === '') {
        const type = Array.isArray(modelPath) ? 'array' : typeof modelPath;
        const got = modelPath === '' ? 'an empty string' : modelPath === null ? 'null' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
        throw new BackendtsError(
          'BT_MODELS_ENTRY_INVALID',
          `app "${app.name}": models entry #${index + 1} in ${mainFile} is ${got}, not a module path`,
          { hint: "each models entry is a path relative to the app folder ('./db/models') or a package specifier" },
        );
      }
      const resolved = resolveModelFile(app, modelPath);
      if (resolved.file === undefined) {
        const isPath = modelPath.startsWith('.') || modelPath.startsWith('/');
        throw new BackendtsError(
          'BT_MODELS_MISSING',
          `app "${app.name}": models entry "${modelPath}" in ${mainFile} resolves to no file` +
            (isPath
              ? ` (looked for ${displayPath(projectDir, path.resolve(app.dir, modelPath))}.ts, .js, …)`
              : `: ${resolved.reason}`),
          {
            hint: isPath
              ? 'fix the path (relative to the app folder) or create the module'
              : `install the package that exports it (npm install), or fix the specifier or the package's "exports"`,
          },
        );
      }
      const file = resolved.file;
      const owner = owners.get(file);
      if (owner) {
        const who = owner.app === app ? 'twice' : `by both app "${owner.app.name}" and app "${app.name}"`;
        throw new BackendtsError('BT_MODELS_DUPLICATE', `model module ${displayPath(projectDir, file)} is listed ${who}`, {
          hint: 'list each model module in one app only; other apps import its tables from it',
        });
      }
      const module: ModelModule = { app, modelPath, file };
      owners.set(file, module);
      modules.push(module);
    });
  }
  return modules;
}

/**
 * Imports all model modules at once (modules of different apps may import
 * each other, in any order or in a cycle; ESM links them), evaluated in
 * config order. The first failure in that order is reported, naming its app
 * and file. `importer` gives their exports when they were loaded another way.
 */
export async function importModelModules(
  projectDir: string,
  modules: readonly ModelModule[],
  importer: ModuleImporter = importModules,
): Promise<ImportedModelModule[]> {
  const outcomes = await importer(modules.map((module) => module.file), projectDir);
  return outcomes.map((outcome, index) => {
    const module = modules[index]!;
    if (!outcome.ok) {
      const error = outcome.error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new BackendtsError(
        'BT_MODEL_IMPORT',
        `app "${module.app.name}": model module ${displayPath(projectDir, module.file)} failed to import: ${reason}`,
        { hint: 'fix the error in that module (run with --debug for the stack)', cause: error },
      );
    }
    return { ...module, exports: outcome.exports };
  });
}

