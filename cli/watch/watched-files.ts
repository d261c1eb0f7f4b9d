/**
 * Which files restart the server under `run --watch`, and how a restart
 * names them. Every module of the project counts (the main module, apps,
 * models, middlewares and whatever they import from inside the project),
 * as do JSON files (JSON modules, package.json, tsconfig.json) and the
 * config files beside the main module; nothing under node_modules or a
 * dot-folder (`.backendts/`, `.git/`), and no editor's temporary file.
 */
import path from 'node:path';
import { isSkippedFolder } from '../../codegen/watch-files.js';
import { MODULE_EXTENSIONS } from '../../runtime/project/apps.js';

const EXTENSIONS = new Set([...MODULE_EXTENSIONS, '.json']);
const CONFIG_FILE = /^config(\.[^.]+)?\.ini$/;

/** True when a change of `file` restarts the server of the project in `projectDir`. */
export function isWatchedFile(projectDir: string, file: string): boolean {
  const parts = path.relative(projectDir, file).split(path.sep);
  const name = parts.at(-1)!;
  if (parts[0] === '..' || path.isAbsolute(parts[0]!) || parts.slice(0, -1).some(isSkippedFolder)) return false;
  if (/^[.#]/.test(name)) return false;
  if (parts.length === 1 && CONFIG_FILE.test(name)) return true;
  return EXTENSIONS.has(path.extname(name));
}

/** `apps/blog/routes.ts changed`, `a.ts and b.ts changed`, `a.ts, b.ts and 3 more changed`: relative to the project. */
export function describeChanges(projectDir: string, files: readonly string[]): string {
  const names = files.map((file) => path.relative(projectDir, file).split(path.sep).join('/'));
  if (names.length <= 2) return `${names.join(' and ')} changed`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more changed`;
}
