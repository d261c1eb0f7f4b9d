/**
 * Temporary projects for the CLI tests, plus the shared command runner
 * (tests/support/cli.ts).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../support/cli.js';

export { assertBuilt, cliPath, finished, repoRoot, runCli, runCliInProcess, show, spawnCli, type CliResult } from '../../support/cli.js';

/** A new empty temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `backendts-cli-${prefix}-`));
}

/**
 * Makes `dir` a place where a project can import `backendts` and
 * `drizzle-orm`: an ESM package.json (unless one exists) and node_modules
 * links to this checkout.
 */
export function linkDependencies(dir: string): void {
  if (!existsSync(path.join(dir, 'package.json'))) {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cli-test-project', private: true, type: 'module' }));
  }
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(repoRoot, path.join(dir, 'node_modules/backendts'), 'dir');
  symlinkSync(path.join(repoRoot, 'node_modules/drizzle-orm'), path.join(dir, 'node_modules/drizzle-orm'), 'dir');
}

/** Copies `fixtures/cli/<name>` into a new temporary folder, ready to run. */
export function copyFixture(name: string): string {
  return copyProject(path.join('fixtures/cli', name));
}

/** Copies a fixture project (a folder relative to this checkout) into a new temporary folder, ready to run. */
export function copyProject(fixture: string): string {
  const dir = tempDir(path.basename(fixture));
  cpSync(path.join(repoRoot, fixture), dir, { recursive: true });
  linkDependencies(dir);
  return dir;
}

/** Removes a temporary folder. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Moves a project (its database folder, migrations and links too) to a new
 * temporary folder and returns it. In-process runs need it before changing
 * a model module: modules are cached by path for the life of the process.
 */
export function relocateProject(dir: string): string {
  const moved = tempDir(path.basename(dir).replace(/^backendts-cli-/, '').replace(/-[^-]+$/, ''));
  cpSync(dir, moved, { recursive: true, verbatimSymlinks: true });
  removeDir(dir);
  return moved;
}
