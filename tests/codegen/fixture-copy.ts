/**
 * Copies a codegen fixture project into a temporary folder, so tests can
 * write `.backendts/` and edit model modules without touching the checkout.
 * The copy links this checkout's node_modules, so `drizzle-orm` resolves to
 * the same copy the framework uses.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a project under fixtures/codegen/. */
export function fixturePath(name: string): string {
  return path.join(repoRoot, 'fixtures', 'codegen', name);
}

/** A temporary copy of a fixture project; `remove()` deletes it. */
export interface FixtureCopy {
  dir: string;
  remove(): void;
}

/** Options of {@link copyFixture}. */
export interface CopyFixtureOptions {
  /**
   * Make the copy a standalone project, as users have: a package.json with
   * `"type": "module"` and no node_modules (to be installed by the test).
   */
  standalone?: boolean;
}

/** Copies fixtures/codegen/<name> into a new temporary folder. */
export function copyFixture(name: string, options: CopyFixtureOptions = {}): FixtureCopy {
  const root = mkdtempSync(path.join(os.tmpdir(), 'backendts-codegen-'));
  const dir = path.join(root, name.replace(/\//g, '-'));
  cpSync(fixturePath(name), dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}.backendts`) });
  if (options.standalone) {
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: path.basename(dir), private: true, type: 'module' }, null, 2)}\n`);
  } else {
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  }
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
