/** Writes scaffolded files, refusing to overwrite any file that is already there. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BackendtsError } from '../../runtime/core/errors.js';
import type { Files } from './app.js';

/** Writes every file under `dir`; when one already exists, fails naming it (relative to `cwd`) and writes nothing. */
export function writeNewFiles(dir: string, files: Files, what: string, cwd: string): string[] {
  const targets = Object.keys(files).map((file) => path.join(dir, file));
  const existing = targets.filter((target) => existsSync(target));
  if (existing.length > 0) {
    const shown = existing.slice(0, 5).map((file) => path.relative(cwd, file) || file);
    const more = existing.length > 5 ? ` and ${existing.length - 5} more` : '';
    throw new BackendtsError('BT_SCAFFOLD_EXISTS', `cannot create ${what}: ${shown.join(', ')}${more} already exist${existing.length === 1 ? 's' : ''}`, {
      hint: 'pick another name, or move those files away; existing files are never overwritten',
    });
  }
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content, { flag: 'wx' });
  }
  return targets;
}
