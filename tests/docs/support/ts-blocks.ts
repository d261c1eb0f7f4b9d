/**
 * Type-checks the docs' ```ts blocks in one TypeScript program, as files of
 * one new project (the scaffold's tsconfig.json, backendts and its peers
 * installed): a block naming its file (`// project/apps/hello/main.ts`) is
 * that file of its document's project, so the blocks of one document import
 * each other; any other block is a module of its own. Errors are reported at
 * the document's line.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { projectFiles } from '../../../cli/templates/project.js';
import { generate } from '../../../codegen/generate.js';
import { linkDependencies, tempDir } from '../../cli/support/cli.js';
import { repoRoot } from '../../support/cli.js';
import { placeOf, type DocBlock } from './blocks.js';

/** The first line of a block that names its file: `// project/apps/hello/main.ts` or `// apps/hello/main.ts`. */
const FILE_LINE = /^\/\/ (?:project\/)?([\w.-]+(?:\/[\w.-]+)*\.ts)\b/;

/** Packages the blocks import besides backendts and drizzle-orm (linked from this checkout). */
const EXTRA_PACKAGES = ['@types/node', 'vitest', 'pino'];

/** One written block: where it is in the project, and how many lines of context come before its own. */
interface WrittenBlock {
  block: DocBlock;
  file: string;
  prefixLines: number;
}

/** The names a block declares at its top level (imports included): a context leaves those to it. */
function declaredNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** tests/docs/contexts/<name>.ts without what `block` declares itself. */
function contextFor(name: string, block: string): string {
  const file = path.join(repoRoot, 'tests/docs/contexts', `${name}.ts`);
  const context = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const own = declaredNames(ts.createSourceFile('block.ts', block, ts.ScriptTarget.Latest));
  const printer = ts.createPrinter();
  const kept: string[] = [];
  for (const statement of context.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause?.namedBindings && ts.isNamedImports(statement.importClause.namedBindings)) {
      const elements = statement.importClause.namedBindings.elements.filter((element) => !own.has(element.name.text));
      if (elements.length === 0) continue;
      const clause = ts.factory.updateImportClause(statement.importClause, statement.importClause.isTypeOnly, undefined, ts.factory.createNamedImports(elements));
      kept.push(printer.printNode(ts.EmitHint.Unspecified, ts.factory.updateImportDeclaration(statement, statement.modifiers, clause, statement.moduleSpecifier, statement.attributes), context));
      continue;
    }
    const names = declaredNames(ts.factory.updateSourceFile(context, [statement]));
    if ([...names].some((declared) => own.has(declared))) continue;
    kept.push(statement.getText(context));
  }
  return kept.join('\n') + '\n';
}

/** A document's folder in the project: `docs/http.md` → `docs-http`. */
function folderOf(document: string): string {
  return document.replace(/\.md$/, '').replace(/[/.]/g, '-');
}

/** The fixture a context's modules are in, from its first line (`// in fixtures/example`): its relative imports start there. */
function contextFixture(name: string): string | undefined {
  const first = readFileSync(path.join(repoRoot, 'tests/docs/contexts', `${name}.ts`), 'utf8').split('\n', 1)[0]!;
  return /^\/\/ in (fixtures\/[\w/-]+)$/.exec(first)?.[1];
}

/** Where a block goes in the project. */
function placeBlock(block: DocBlock, copyFixture: (fixture: string) => void): string {
  const named = FILE_LINE.exec(block.source.split('\n', 1)[0]!)?.[1];
  const own = `${folderOf(block.document)}-${block.line}.ts`;
  const fixture = block.check.kind === 'in' ? block.check.fixture : block.check.kind === 'context' ? contextFixture(block.check.name) : undefined;
  if (fixture !== undefined) copyFixture(fixture);
  if (block.check.kind === 'context' && fixture !== undefined) return path.join(fixture, own);
  if (block.check.kind === 'in') {
    if (named === undefined) throw new Error(`${placeOf(block)}: a block checked in ${block.check.fixture} names its file on its first line`);
    // Beside the fixture's file of that name: its relative imports reach the fixture's modules.
    return path.join(block.check.fixture, path.dirname(named), `${path.basename(named, '.ts')}.${own}`);
  }
  if (named === undefined || block.check.kind === 'standalone') return path.join(folderOf(block.document), 'blocks', own);
  return path.join(folderOf(block.document), named);
}

/**
 * Makes the project with every block in it; returns its folder, the blocks
 * by absolute path, and the files generated in the fixtures the blocks are
 * checked in (their codegen has run, as in a project in use).
 */
export async function writeBlockProject(blocks: readonly DocBlock[]): Promise<{ dir: string; written: Map<string, WrittenBlock>; generated: string[] }> {
  const dir = tempDir('doc-blocks');
  const scaffold = projectFiles('doc-blocks', false, { backendts: '*', drizzleOrm: '*', typescript: '*', typesNode: '*' });
  writeFileSync(path.join(dir, 'tsconfig.json'), scaffold['tsconfig.json']!);
  writeFileSync(path.join(dir, 'package.json'), scaffold['package.json']!);
  linkDependencies(dir);
  mkdirSync(path.join(dir, 'node_modules/@types'), { recursive: true });
  for (const name of EXTRA_PACKAGES) symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');

  const copied = new Set<string>();
  const copyFixture = (fixture: string): void => {
    if (copied.has(fixture)) return;
    copied.add(fixture);
    const skip = new Set(['.backendts', 'node_modules', 'tests']);
    cpSync(path.join(repoRoot, fixture), path.join(dir, fixture), { recursive: true, filter: (source) => !skip.has(path.basename(source)) });
  };

  const written = new Map<string, WrittenBlock>();
  for (const block of blocks) {
    const relative = placeBlock(block, copyFixture);
    const file = path.join(dir, relative);
    if (written.has(file)) {
      const first = written.get(file)!.block;
      throw new Error(`${placeOf(block)} and ${placeOf(first)} both show ${relative}: mark one <!-- check: standalone -->`);
    }
    const prefix = block.check.kind === 'context' ? contextFor(block.check.name, block.source) : '';
    mkdirSync(path.dirname(file), { recursive: true });
    // export {}: a block with no import or export is a module too (top-level await; its names stay its own).
    writeFileSync(file, `${prefix}${block.source}export {};\n`);
    written.set(file, { block, file, prefixLines: prefix.split('\n').length - 1 });
  }
  const generated: string[] = [];
  for (const fixture of copied) {
    const { files } = await generate({ projectDir: path.join(dir, fixture) });
    generated.push(...files.map((file) => file.path).filter((file) => file.endsWith('.d.ts')));
  }
  return { dir, written, generated };
}

/** tsc's diagnostics for the project, one line each, at the document's line for a block's own code. */
export function typeErrors(dir: string, written: ReadonlyMap<string, WrittenBlock>, generated: readonly string[] = []): string[] {
  const { config } = ts.readConfigFile(path.join(dir, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir);
  const program = ts.createProgram([...written.keys(), ...generated], parsed.options);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file) return message;
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1;
    const block = written.get(path.resolve(diagnostic.file.fileName));
    if (!block) return `${path.relative(dir, diagnostic.file.fileName)}:${line} ${message}`;
    if (line <= block.prefixLines) return `${placeOf(block.block)} (in its context) ${message}`;
    return `${placeOf(block.block, line - block.prefixLines)} ${message}`;
  });
}
