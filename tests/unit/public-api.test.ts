/**
 * The public API is what package.json exports. Every name exported from those
 * entries must carry a doc comment, be listed in README.md, and leave the
 * globals alone. (`npm run check:api` compares the whole surface with api/.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types?: string }>;
};

/** The TypeScript source behind each `exports` entry (dist/x/index.d.ts → x/index.ts). */
const entries = Object.entries(pkg.exports)
  .filter(([, target]) => typeof target === 'object' && target.types !== undefined)
  .map(([name, target]) => ({
    name: name === '.' ? 'backendts' : `backendts/${name.slice(2)}`,
    file: path.join(root, (target as { types: string }).types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts')),
  }));

const program = ts.createProgram(
  entries.map((entry) => entry.file),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2023, skipLibCheck: true, strict: true, noEmit: true },
);
const checker = program.getTypeChecker();

function publicNames(file: string): { name: string; documented: boolean }[] {
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [];
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const documented = target.getDocumentationComment(checker).length > 0 || symbol.getDocumentationComment(checker).length > 0;
    return { name: symbol.getName(), documented };
  });
}

const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe.each(entries)('public entry $name', ({ file }) => {
  const names = publicNames(file);

  it('exports something', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  it('documents every exported name with a doc comment', () => {
    expect(names.filter((item) => !item.documented).map((item) => item.name)).toEqual([]);
  });

  it('shadows no global of the language or of Node (JSON, Response, File, ...)', () => {
    // `Request` is the one kept: what every handler is typed with, named as in Backendpy.
    expect(names.map((item) => item.name).filter((name) => name in globalThis && name !== 'Request')).toEqual([]);
  });

  it('lists every exported name in README.md', () => {
    expect(names.filter((item) => !new RegExp(`\\b${item.name}\\b`).test(readme)).map((item) => item.name)).toEqual([]);
  });
});
