/**
 * Makes an installable copy of backendts from the current sources, for
 * tests that run the framework in a plain Node process (Node's own loader,
 * not vite): each runtime/, codegen/ and cli/ file is transpiled to JavaScript
 * under <temp>/backendts/dist, next to a copy of package.json, so the
 * package's `exports` work as they do for users.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { repoRoot } from './fixture-copy.js';

/** A transpiled backendts package in a temporary folder. */
export interface TranspiledPackage {
  /** The package folder (what `node_modules/backendts` links to). */
  dir: string;
  /** Makes `projectDir/node_modules` hold backendts (this package), drizzle-orm and drizzle-kit. */
  install(projectDir: string): void;
  remove(): void;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Transpiles runtime/, codegen/ and cli/ into a temporary package. */
export function transpilePackage(): TranspiledPackage {
  const root = mkdtempSync(path.join(os.tmpdir(), 'backendts-package-'));
  const dir = path.join(root, 'backendts');
  const options: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, verbatimModuleSyntax: true };
  for (const folder of ['runtime', 'codegen', 'cli']) {
    for (const file of sourceFiles(path.join(repoRoot, folder))) {
      const out = path.join(dir, 'dist', path.relative(repoRoot, file)).replace(/\.ts$/, '.js');
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText);
    }
  }
  copyFileSync(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return {
    dir,
    install(projectDir) {
      const modules = path.join(projectDir, 'node_modules');
      rmSync(modules, { recursive: true, force: true });
      mkdirSync(modules);
      symlinkSync(dir, path.join(modules, 'backendts'), 'dir');
      for (const name of ['drizzle-orm', 'drizzle-kit']) {
        symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(modules, name), 'dir');
      }
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
