/**
 * `backendts codegen --watch`: regenerates the schema when a model module,
 * an app module or the config changes. Each generation runs in a fresh Node
 * process, because a changed ES module cannot be re-imported in place.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../runtime/project/config.js';
import { BackendtsError } from '../runtime/core/errors.js';
import { activeAppEntries, locateApp, MODULE_EXTENSIONS } from '../runtime/project/apps.js';
import { GENERATED_DIR } from './emit.js';
import { watchFiles } from './watch-files.js';
import { typeScriptLoaderImport } from '../runtime/project/load-typescript.js';
import type { CollectedEntrySummary, WatchMessage } from './watch-message.js';
import type { GeneratedFile } from './generate.js';

export type { CollectedEntrySummary } from './watch-message.js';

/** One successful regeneration in watch mode. */
export interface WatchGeneration {
  files: GeneratedFile[];
  hash: string;
  entries: CollectedEntrySummary[];
  /** The files whose change started this run (empty for the first run). */
  changed: string[];
}

/** Options of {@link watchProject}. */
export interface WatchProjectOptions {
  projectDir: string;
  /** Environment name selecting `config.<env>.ini`. */
  env?: string | undefined;
  /** Called after each successful generation (the first one included). */
  onChange?: (generation: WatchGeneration) => void;
  /** Called when a generation fails; watching goes on. */
  onError?: (error: BackendtsError, changed: string[]) => void;
  /** Quiet time after the last change before regenerating, in ms (default 100). */
  debounceMs?: number;
  /** Generate once at start (default true). */
  initial?: boolean;
}

/** A running watch; `close()` stops it and waits for a running generation. */
export interface ProjectWatcher {
  close(): Promise<void>;
  /** Resolves when the generation running (or pending) now has finished. */
  idle(): Promise<void>;
}

const WATCHED_EXTENSIONS = new Set(MODULE_EXTENSIONS);

/** Watches a project's app folders and config, regenerating `.backendts/` on change. */
export function watchProject(options: WatchProjectOptions): ProjectWatcher {
  const projectDir = path.resolve(options.projectDir);
  let closed = false;

  const files = watchFiles({
    debounceMs: options.debounceMs,
    isRelevant: (file) => isRelevant(projectDir, file),
    async onChanges(changed) {
      const message = await runGeneration(projectDir, options.env);
      if (closed) return;
      if (message.ok) options.onChange?.({ files: message.files, hash: message.hash, entries: message.entries, changed });
      else options.onError?.(toError(message.error), changed);
      syncWatchers();
    },
  });

  // Watches the project folder itself (config files, new app folders) and every app folder in depth.
  const syncWatchers = () => {
    files.add(projectDir, { tree: false });
    for (const dir of appFolders(projectDir, options.env)) files.add(dir, { tree: true });
  };

  syncWatchers();
  if (options.initial ?? true) files.trigger();

  return {
    async close() {
      closed = true;
      await files.close();
    },
    idle: () => files.idle(),
  };
}

/** Module files and config files count; generated output, dependencies and editors' temp files do not. */
function isRelevant(projectDir: string, file: string): boolean {
  const relative = path.relative(projectDir, file).split(path.sep);
  if (relative.includes(GENERATED_DIR) || relative.includes('node_modules') || relative.includes('.git')) return false;
  const base = path.basename(file);
  if (/^config(\.[^.]+)?\.ini$/.test(base) && relative.length === 1) return true;
  return WATCHED_EXTENSIONS.has(path.extname(base));
}

/** The folders of the project's active apps that exist on disk (packages are not watched). */
function appFolders(projectDir: string, env: string | undefined): string[] {
  try {
    const { config, file } = loadConfig(projectDir, { env });
    const dirs: string[] = [];
    for (const entry of activeAppEntries(config)) {
      try {
        const located = locateApp(entry, projectDir, file);
        if (!located.isPackage) dirs.push(located.dir);
      } catch {
        // A missing app is reported by the generation itself; its folder may appear later.
      }
    }
    return dirs;
  } catch {
    return [];
  }
}

/** Runs `generate` in a new Node process (with the TypeScript loader) and returns its message. */
function runGeneration(projectDir: string, env: string | undefined): Promise<WatchMessage> {
  const self = fileURLToPath(import.meta.url);
  const fromSource = self.endsWith('.ts');
  const childFile = path.join(path.dirname(self), `generate-child${fromSource ? '.ts' : '.js'}`);
  // Compiled, the child registers the loader itself; from sources, the child is TypeScript too.
  const execArgv = fromSource ? ['--import', typeScriptLoaderImport()] : [];
  return new Promise((resolve) => {
    let message: WatchMessage | undefined;
    const child = fork(childFile, [projectDir, env ?? ''], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (received) => {
      message = received as WatchMessage;
    });
    child.on('error', (error) => {
      message ??= { ok: false, error: { code: 'BT_CODEGEN_WATCH', message: error.message, hint: undefined, stack: error.stack, causeStack: undefined } };
    });
    child.on('exit', (code) => {
      resolve(
        message ?? {
          ok: false,
          error: {
            code: 'BT_CODEGEN_WATCH',
            message: `the generation process for ${projectDir} exited with code ${code} without a result`,
            hint: 'run backendts codegen (without --watch) to see the error',
            stack: undefined,
            causeStack: undefined,
          },
        },
      );
    });
  });
}

function toError(error: Extract<WatchMessage, { ok: false }>['error']): BackendtsError {
  const cause = error.causeStack ? Object.assign(new Error(error.causeStack.split('\n')[0]), { stack: error.causeStack }) : undefined;
  const result = new BackendtsError(error.code ?? 'BT_CODEGEN_FAILED', error.message, { hint: error.hint, cause });
  if (error.stack) result.stack = error.stack;
  return result;
}
