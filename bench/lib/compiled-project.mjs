/**
 * The bench's backendts project compiled to JavaScript, as a production
 * deploy runs it (no TypeScript loader): each `.ts` file transpiled with
 * TypeScript's own compiler into a temporary folder, next to the project's
 * config files, with `backendts` and `drizzle-orm` linked to this checkout.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { BACKENDTS_PROJECT, ROOT } from './contenders.mjs';

/** Compiles the project; returns its folder and a function that removes it. */
export function compileBenchProject() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'backendts-bench-compiled-'));
  cpSync(BACKENDTS_PROJECT, dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}.backendts`) });
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    writeFileSync(file.replace(/\.ts$/, '.js'), outputText);
    rmSync(file);
  }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'backendts'));
  symlinkSync(path.join(ROOT, 'node_modules', 'drizzle-orm'), path.join(dir, 'node_modules', 'drizzle-orm'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
