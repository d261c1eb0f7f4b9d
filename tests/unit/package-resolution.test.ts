/**
 * Package specifiers (apps, model modules, middlewares) resolve to the file
 * Node's own `import` loads: checked against `import.meta.resolve` in a Node
 * process started in the project folder, with the TypeScript loader as the
 * runtime registers it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeScriptLoaderImport } from '../../runtime/project/load-typescript.js';
import { locateApp, resolvePackage, resolvePackageImport } from '../../runtime/project/apps.js';

const run = promisify(execFile);
const projectModule = pathToFileURL(path.join(import.meta.dirname, '../../runtime/project/apps.ts')).href;

/** Installed packages: package.json, then files (path → source). */
const PACKAGES: Record<string, [object, string[]]> = {
  dual: [{ exports: { '.': { import: './esm/index.js', require: './cjs/index.cjs' } } }, ['esm/index.js', 'cjs/index.cjs']],
  // Node takes the first condition it matches, in the order the package wrote them.
  order: [{ exports: { '.': { node: './node.js', import: './import.js' } } }, ['node.js', 'import.js']],
  sync: [{ exports: { 'module-sync': './sync.js', default: './default.js' } }, ['sync.js', 'default.js']],
  custom: [{ exports: { custom: './custom.js', default: './default.js' } }, ['custom.js', 'default.js']],
  patterns: [{ exports: { './db/*': { import: './dist/db/*.js' } } }, ['dist/db/models.js']],
  legacy: [{ main: 'lib/main.js' }, ['lib/main.js']],
  'ts-entry': [{ exports: { './models': './src/models.ts' } }, ['src/models.ts']],
  'ts-source': [{ exports: { './models': './src/models.js' } }, ['src/models.ts']],
  'ts-deep': [{}, ['db/models.ts']],
  'ts-index': [{}, ['index.ts']],
  'js-deep': [{}, ['db/models.js']],
  '@scope/pkg': [{ exports: { './models': { import: './models.mjs', require: './models.cjs' } } }, ['models.mjs', 'models.cjs']],
};

const SPECIFIERS = ['dual', 'order', 'sync', 'custom', 'patterns/db/models', 'legacy', 'ts-entry/models', 'ts-source/models', 'ts-deep/db/models', 'ts-index', 'js-deep/db/models', '@scope/pkg/models', 'linked'];

let root: string;
let projectDir: string;
let modules: string;

beforeAll(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'backendts-resolve-')));
  projectDir = path.join(root, 'project');
  modules = path.join(projectDir, 'node_modules');
  const install = (dir: string, manifest: object, files: string[]) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', ...manifest }));
    for (const file of files) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), file.endsWith('.cjs') ? 'exports.x = 1;\n' : 'export const x = 1;\n');
    }
  };
  for (const [name, [manifest, files]] of Object.entries(PACKAGES)) install(path.join(modules, name), { name, ...manifest }, files);
  // A linked package (a workspace): Node resolves it to its real folder.
  install(path.join(root, 'workspace/linked'), { name: 'linked', exports: './index.js' }, ['index.js']);
  symlinkSync(path.join(root, 'workspace/linked'), path.join(modules, 'linked'), 'dir');
  writeFileSync(path.join(projectDir, 'package.json'), JSON.stringify({ name: 'project', type: 'module' }));
  writeFileSync(
    path.join(projectDir, 'probe.mjs'),
    `const { resolvePackage } = await import(${JSON.stringify(projectModule)});
const { fileURLToPath } = await import('node:url');
const specifiers = ${JSON.stringify(SPECIFIERS)};
console.log(JSON.stringify(specifiers.map((s) => [s, fileURLToPath(import.meta.resolve(s)), resolvePackage(s, import.meta.dirname)])));
`,
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** [specifier, Node's `import.meta.resolve`, `resolvePackage`] in a Node process started with `flags` in the project folder. */
async function probe(flags: string[]): Promise<[string, string, string | undefined][]> {
  const env = { ...process.env, NODE_OPTIONS: '' };
  const { stdout } = await run(process.execPath, ['--import', typeScriptLoaderImport(), ...flags, 'probe.mjs'], { cwd: projectDir, env });
  return JSON.parse(stdout) as [string, string, string | undefined][];
}

describe('resolvePackage', () => {
  it('gives the file Node imports, for every kind of package', async () => {
    const answers = await probe([]);
    for (const [specifier, node, ours] of answers) expect(ours, specifier).toBe(node);
    expect(Object.fromEntries(answers.map(([specifier, , ours]) => [specifier, path.relative(root, ours!)]))).toEqual({
      dual: 'project/node_modules/dual/esm/index.js',
      order: 'project/node_modules/order/node.js',
      sync: 'project/node_modules/sync/sync.js',
      custom: 'project/node_modules/custom/default.js',
      'patterns/db/models': 'project/node_modules/patterns/dist/db/models.js',
      legacy: 'project/node_modules/legacy/lib/main.js',
      'ts-entry/models': 'project/node_modules/ts-entry/src/models.ts',
      'ts-source/models': 'project/node_modules/ts-source/src/models.ts',
      'ts-deep/db/models': 'project/node_modules/ts-deep/db/models.ts',
      'ts-index': 'project/node_modules/ts-index/index.ts',
      'js-deep/db/models': 'project/node_modules/js-deep/db/models.js',
      '@scope/pkg/models': 'project/node_modules/@scope/pkg/models.mjs',
      linked: 'workspace/linked/index.js',
    });
  });

  it('matches the conditions the process was started with (--conditions)', async () => {
    const answers = await probe(['--conditions=custom']);
    const custom = answers.find(([specifier]) => specifier === 'custom')!;
    expect(custom[2]).toBe(custom[1]);
    expect(custom[2]).toBe(path.join(modules, 'custom/custom.js'));
  });

  it('gives the same answers in this process', () => {
    expect(resolvePackage('dual', projectDir)).toBe(path.join(modules, 'dual/esm/index.js'));
    expect(resolvePackage('ts-source/models', projectDir)).toBe(path.join(modules, 'ts-source/src/models.ts'));
  });

  it('tells a package that is not installed from one that exports nothing there, with Node\'s reason', () => {
    expect(resolvePackageImport('not-installed', projectDir)).toMatchObject({ installed: false });
    const unexported = resolvePackageImport('dual/models', projectDir);
    expect(unexported).toMatchObject({ installed: true });
    expect(unexported.file === undefined && unexported.reason).toContain(`Package subpath './models' is not defined by "exports" in ${modules}/dual/package.json`);
  });
});

describe('locateApp of an installed package', () => {
  it('names what is wrong with an installed package that exports no module', () => {
    mkdirSync(path.join(modules, 'types-only'), { recursive: true });
    writeFileSync(path.join(modules, 'types-only/package.json'), JSON.stringify({ name: 'types-only', exports: { '.': { types: './index.d.ts' } } }));
    expect(() => locateApp('types-only', projectDir, 'config.ini')).toThrow(
      expect.objectContaining({
        code: 'BT_APP_MISSING',
        message: expect.stringContaining('app "types-only" listed in config.ini [apps] active: the installed package gives no module to import: No "exports" main defined'),
      }),
    );
  });

  it('says a package is not installed when it is not', () => {
    expect(() => locateApp('not-installed', projectDir, 'config.ini')).toThrow(/neither a folder of the project nor an installed package/);
  });
});
