/**
 * The code of the docs that shows a project's files: each ```ts
 * block whose first line names a file (`// project/apps/hello/main.ts`)
 * is written there, and every document's project is type-checked as a new
 * project is (the scaffold's tsconfig.json, backendts and drizzle-orm
 * installed), so the docs cannot drift from the API.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { projectFiles } from '../../cli/templates/project.js';
import { linkDependencies, tempDir } from '../cli/support/cli.js';
import { assertBuilt, repoRoot } from '../support/cli.js';

/**
 * The documents whose project blocks are checked: each shows a whole
 * project (the other docs show fragments of several, not yet checked).
 */
const DOCUMENTS = ['README.md'];
const FILE_LINE = /^\/\/ project\/(\S+\.ts)\b/;

/** `{ path: source }` of the blocks of `markdown` that name their file. */
function projectBlocks(markdown: string, document: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const match of markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const source = match[1]!;
    const file = FILE_LINE.exec(source)?.[1];
    if (file === undefined) continue;
    if (files[file] !== undefined) throw new Error(`${document} shows project/${file} twice`);
    files[file] = source;
  }
  return files;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes the files into a new project with the scaffold's tsconfig.json; returns its folder. */
function writeProject(files: Record<string, string>): string {
  const dir = tempDir('doc-project');
  dirs.push(dir);
  const scaffold = projectFiles('doc-project', false, { backendts: '*', drizzleOrm: '*', typescript: '*', typesNode: '*' });
  writeFileSync(path.join(dir, 'tsconfig.json'), scaffold['tsconfig.json']!);
  writeFileSync(path.join(dir, 'package.json'), scaffold['package.json']!);
  linkDependencies(dir);
  // The scaffold's tsconfig.json has types: ['node'].
  mkdirSync(path.join(dir, 'node_modules/@types'), { recursive: true });
  symlinkSync(path.join(repoRoot, 'node_modules/@types/node'), path.join(dir, 'node_modules/@types/node'), 'dir');
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  return dir;
}

/** tsc's diagnostics for the project in `dir`, one line each. */
function typeErrors(dir: string): string[] {
  const configFile = path.join(dir, 'tsconfig.json');
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${path.relative(dir, diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

describe('the project files the docs show', { timeout: 120_000 }, () => {
  for (const document of DOCUMENTS) {
    it(`type-check as a new project: ${document}`, () => {
      assertBuilt();
      const files = projectBlocks(readFileSync(path.join(repoRoot, document), 'utf8'), document);
      expect(Object.keys(files).length).toBeGreaterThan(0);
      expect(typeErrors(writeProject(files))).toEqual([]);
    });
  }
});
