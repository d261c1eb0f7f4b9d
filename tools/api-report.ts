/**
 * The public surface of each package.json entry, as a report committed under
 * `api/` and as README.md's API tables, so every change of the surface shows
 * in review. The declarations (`.d.ts`) are emitted in memory from the
 * sources, then every name an entry exports is printed with its signature
 * (doc comments left out: wording is not the surface); README's tables are
 * made from the doc comments. A public name without a doc comment fails.
 *
 * Run: `npm run check:api` (exits 1 when a report or README is out of date,
 * or a name has no doc comment); `npm run api:update` rewrites them.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const REPORT_DIR = path.join(root, 'api');
const README = path.join(root, 'README.md');

interface Entry {
  /** The import specifier: `backendts`, `backendts/db`. */
  specifier: string;
  /** The emitted declaration file of the entry, absolute. */
  declarationFile: string;
  /** The committed report, absolute. */
  reportFile: string;
}

interface PublicName {
  name: string;
  kind: string;
  isType: boolean;
  /** The doc comment's first paragraph, on one line; empty when there is none. */
  summary: string;
  /** The declarations as `.d.ts` text, without comments. */
  signature: string;
}

function readEntries(): Entry[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { exports: Record<string, string | { types?: string }> };
  return Object.entries(pkg.exports).flatMap(([key, target]) => {
    if (typeof target !== 'object' || target.types === undefined) return [];
    const specifier = key === '.' ? 'backendts' : `backendts/${key.slice(2)}`;
    return [{
      specifier,
      declarationFile: path.join(root, target.types),
      reportFile: path.join(REPORT_DIR, `${specifier.replace('/', '-')}.api.md`),
    }];
  });
}

/** Emits the build's declarations in memory and returns a program over them. */
function declarationProgram(): ts.Program {
  const configFile = path.join(root, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')); } });
  if (!parsed) throw new Error(`cannot read ${configFile}`);
  const options: ts.CompilerOptions = { ...parsed.options, declaration: true, emitDeclarationOnly: true, sourceMap: false, declarationMap: false, noEmit: false };
  const emitted = new Map<string, string>();
  const source = ts.createProgram(parsed.fileNames, options);
  const result = source.emit(undefined, (fileName, text) => emitted.set(path.resolve(fileName), text), undefined, true);
  const errors = ts.getPreEmitDiagnostics(source).concat(result.diagnostics).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));

  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (fileName) => emitted.get(path.resolve(fileName)) ?? readFile(fileName);
  host.fileExists = (fileName) => emitted.has(path.resolve(fileName)) || fileExists(fileName);
  // dist/ may not exist on disk: its folders are those of the emitted files.
  const folders = new Set([...emitted.keys()].flatMap((file) => ancestors(path.dirname(file))));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) => folders.has(path.resolve(dir)) || (directoryExists?.(dir) ?? false);
  return ts.createProgram([...emitted.keys()].filter((file) => file.endsWith('.d.ts')), { ...options, noEmit: true }, host);
}

function ancestors(dir: string): string[] {
  const parent = path.dirname(dir);
  return parent === dir ? [dir] : [dir, ...ancestors(parent)];
}

const KINDS: [ts.SymbolFlags, string][] = [
  [ts.SymbolFlags.Class, 'class'],
  [ts.SymbolFlags.Function, 'function'],
  [ts.SymbolFlags.Interface, 'interface'],
  [ts.SymbolFlags.TypeAlias, 'type'],
  [ts.SymbolFlags.Enum, 'enum'],
  [ts.SymbolFlags.Variable, 'const'],
];

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

function signatureOf(declaration: ts.Declaration): string {
  // A variable's statement holds its `declare const` keyword.
  const node = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  const text = printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile());
  return text.replace(/^export (declare )?/, 'declare ').replace(/^(declare )?(interface|type) /, '$2 ').replace(/^(?!declare |interface |type )/, 'declare ');
}

function summaryOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const parts = symbol.getDocumentationComment(checker);
  const text = parts.map((part) => (part.kind === 'linkText' || part.kind === 'linkName' ? `\`${part.text}\`` : part.kind === 'link' ? '' : part.text)).join('');
  const first = text.trim().split(/\n\s*\n/)[0] ?? '';
  return first.replace(/\s*\n\s*/g, ' ').replace(/``/g, '').replace(/\|/g, '\\|');
}

function publicNames(program: ts.Program, file: string): PublicName[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`no declarations emitted for ${path.relative(root, file)}: run from the repository with the sources in place`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [];
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const kind = KINDS.find(([flag]) => symbol.flags & flag)?.[1] ?? 'value';
    const declarations = (symbol.getDeclarations() ?? []).filter((d) => !ts.isModuleDeclaration(d) || symbol.flags & ts.SymbolFlags.Module);
    return {
      name: exported.getName(),
      kind,
      isType: !(symbol.flags & ts.SymbolFlags.Value),
      summary: summaryOf(symbol, checker) || summaryOf(exported, checker),
      signature: declarations.map(signatureOf).join('\n'),
    };
  });
}

function report(entry: Entry, names: PublicName[]): string {
  const sorted = [...names].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sections = sorted.map((item) => `## \`${item.name}\` (${item.kind})\n\n\`\`\`ts\n${item.signature}\n\`\`\`\n`);
  return `# API report: \`${entry.specifier}\`\n\nGenerated by \`npm run api:update\` (tools/api-report.ts) from the declarations; \`npm run check:api\` fails when it differs from the code.\n\n${sections.join('\n')}`;
}

/** README's table of one entry: values first, in the entry's order, then types. */
function table(names: PublicName[]): string {
  const ordered = [...names.filter((item) => !item.isType), ...names.filter((item) => item.isType)];
  const rows = ordered.map((item) => `| \`${item.name}\`${item.isType ? ' (type)' : ''} | ${item.summary} |`);
  return ['| name | what it is |', '| --- | --- |', ...rows].join('\n');
}

function withReadmeTable(readme: string, entry: Entry, names: PublicName[]): string {
  const start = `<!-- api-table ${entry.specifier} -->`;
  const end = `<!-- /api-table ${entry.specifier} -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no region ${start} … ${end} for the table of ${entry.specifier}`);
  return `${readme.slice(0, from + start.length)}\n${table(names)}\n${readme.slice(to)}`;
}

function main(): void {
  const update = process.argv.includes('--update');
  const entries = readEntries();
  const program = declarationProgram();
  const problems: string[] = [];
  let readme = readFileSync(README, 'utf8');
  for (const entry of entries) {
    const names = publicNames(program, entry.declarationFile);
    for (const item of names.filter((name) => name.summary === '')) {
      problems.push(`${entry.specifier}: \`${item.name}\` has no doc comment; write one where it is declared`);
    }
    const text = report(entry, names);
    readme = withReadmeTable(readme, entry, names);
    if (update) {
      mkdirSync(REPORT_DIR, { recursive: true });
      writeFileSync(entry.reportFile, text);
    } else if (readIfThere(entry.reportFile) !== text) {
      problems.push(`${path.relative(root, entry.reportFile)} differs from the public surface of ${entry.specifier}: review the change, then run \`npm run api:update\` and commit the report`);
    }
  }
  if (update) writeFileSync(README, readme);
  else if (readFileSync(README, 'utf8') !== readme) problems.push('README.md: the API tables differ from the doc comments: run `npm run api:update`');
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(update ? `wrote ${entries.length} API reports and README.md's tables` : `the public API matches ${entries.length} reports and README.md`);
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

main();
