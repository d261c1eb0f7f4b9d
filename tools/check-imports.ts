/**
 * Checks the imports between the package's source folders: no cycle of
 * value imports (modules that import each other at run time, whose
 * evaluation order then depends on who is imported first), and the rules
 * below on which folder may import which. Imports are read with
 * TypeScript's parser and resolved with its module resolution, as `tsc`
 * does. `import type` and `export type` are erased from the output and
 * `import()` runs only when reached, so neither makes a cycle; the folder
 * rules count every kind.
 *
 * Run: `npm run check:imports`. Exits 1 listing every cycle and broken rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * A rule: no module under `from` may import one under `to`. Folders are
 * relative to the repository; `typesMayImport` lists modules whose types
 * (`import type` only) are allowed anyway.
 */
interface FolderRule {
  name: string;
  from: string;
  to: readonly string[];
  why: string;
  typesMayImport?: readonly string[];
}

/**
 * The runtime's layers, lowest first: each imports only the ones below it.
 * The last entry is the framework instance on top (`backendts.ts`) and the
 * entry point.
 */
const RUNTIME_LAYERS: readonly { folder: string; is: string }[] = [
  { folder: 'runtime/core/', is: 'the vocabulary (errors, responses as data, routes, router, hooks, apps, the request): no I/O' },
  { folder: 'runtime/project/', is: 'config and settings, finding and loading modules and apps' },
  { folder: 'runtime/schema/', is: 'the Drizzle objects of the loaded apps' },
  { folder: 'runtime/db/', is: 'engines and the request transaction' },
  { folder: 'runtime/http/', is: 'serving: the request pipeline, bodies, writing responses, the server' },
];
const RUNTIME_TOP = ['runtime/backendts.ts', 'runtime/index.ts'];
/** Node's modules that do I/O: the core reads and builds values only, so it imports none of them. */
const IO_MODULES = ['node:fs', 'node:fs/promises', 'node:http', 'node:https', 'node:http2', 'node:net', 'node:child_process', 'node:worker_threads', 'node:module', 'node:stream', 'node:stream/promises'];
/** Every layer refers to the instance (`bp` in hooks and requests) by its type; its value stays on top. */
const INSTANCE_TYPE = ['runtime/backendts.ts'];

const layerRules: FolderRule[] = RUNTIME_LAYERS.map((layer, at) => ({
  name: `layer-${layer.folder.split('/')[1]}`,
  from: layer.folder,
  to: [...RUNTIME_LAYERS.slice(at + 1).map((above) => above.folder), ...RUNTIME_TOP],
  why: `${layer.folder} is ${layer.is}; it imports only the layers below it`,
  typesMayImport: INSTANCE_TYPE,
}));

/** The folders checked, and the rules between them; a new layer is one more entry above. */
const SOURCE_FOLDERS = ['runtime', 'codegen', 'cli', 'testing'];
const RULES: readonly FolderRule[] = [
  { name: 'runtime-is-not-build-time', from: 'runtime/', to: ['codegen/', 'cli/'], why: 'the runtime serves a project without codegen or the CLI' },
  { name: 'codegen-is-not-cli', from: 'codegen/', to: ['cli/', 'testing/'], why: 'codegen is a library the CLI calls, not the other way round' },
  { name: 'runtime-is-not-testing', from: 'runtime/', to: ['testing/'], why: 'a test helper is never part of a server' },
  ...layerRules,
  { name: 'core-does-no-io', from: 'runtime/core/', to: IO_MODULES, why: 'the core is data and pure logic; reading and writing belong to project/, db/ and http/', typesMayImport: IO_MODULES },
];

/** One import of one module. */
interface Edge {
  from: string;
  to: string;
  /** `type`: `import type` / `export type`, erased from the output; `dynamic`: an `import()` call, run when reached. */
  kind: 'static' | 'type' | 'dynamic';
  line: number;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');

function sourceFiles(): string[] {
  return SOURCE_FOLDERS.flatMap((folder) =>
    readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
      .map((entry) => path.join(entry.parentPath, entry.name)),
  );
}

function compilerOptions(): ts.CompilerOptions {
  const configFile = path.join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
}

/** The imports of one file: imports and re-exports, and `import()` calls. */
function importsOf(file: string, options: ts.CompilerOptions): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (specifier: ts.Expression | undefined, kind: Edge['kind'], node: ts.Node) => {
    if (specifier === undefined || !ts.isStringLiteral(specifier)) return;
    if (specifier.text.startsWith('node:')) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      edges.push({ from: relative(file), to: specifier.text, kind, line });
      return;
    }
    const resolved = ts.resolveModuleName(specifier.text, file, options, ts.sys).resolvedModule;
    if (resolved === undefined || resolved.isExternalLibraryImport) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    edges.push({ from: relative(file), to: relative(resolved.resolvedFileName), kind, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ? 'type' : 'static', node);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly ? 'type' : 'static', node);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], 'dynamic', node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** Every cycle of static value imports, as the modules along it (Tarjan's strongly connected components). */
function valueCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (edge.kind !== 'static') continue;
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (next.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) connect(node);
  return cycles;
}

function main(): number {
  const options = compilerOptions();
  const allEdges = sourceFiles().flatMap((file) => importsOf(file, options));
  const edges = allEdges.filter((edge) => !edge.to.startsWith('node:'));
  const problems: string[] = [];
  for (const cycle of valueCycles(edges)) {
    const inCycle = new Set(cycle);
    const links = edges.filter((edge) => edge.kind === 'static' && inCycle.has(edge.from) && inCycle.has(edge.to));
    problems.push(`import cycle between ${cycle.join(', ')}:\n${links.map((edge) => `    ${edge.from}:${edge.line} imports ${edge.to}`).join('\n')}`);
  }
  for (const rule of RULES) {
    for (const edge of allEdges) {
      if (!edge.from.startsWith(rule.from) || !rule.to.some((target) => edge.to === target || (target.endsWith('/') && edge.to.startsWith(target)))) continue;
      if (edge.kind === 'type' && rule.typesMayImport?.includes(edge.to)) continue;
      {
        problems.push(`${edge.from}:${edge.line} imports ${edge.to}: breaks ${rule.name} (${rule.why})`);
      }
    }
  }
  if (problems.length === 0) {
    console.log(`imports: ${edges.length} imports between ${new Set(edges.map((edge) => edge.from)).size} modules, no cycle, ${RULES.length} folder rules kept`);
    return 0;
  }
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} import problem(s): break a cycle by moving what both sides need into a module of its own (or importing types with \`import type\`); keep each folder to the imports its rules allow`);
  return 1;
}

process.exitCode = main();
