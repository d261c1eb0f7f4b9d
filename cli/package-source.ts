/**
 * Where a new project gets backendts from. A copy installed from the
 * registry (inside a `node_modules` folder) is asked for by version. Any
 * other copy (a clone, or a folder installed with `npm link`) is packed into
 * the new project as a tarball, which installs at once and, unlike a link
 * to the clone, brings none of the clone's own node_modules: the project then
 * has one drizzle-orm, whose types cross backendts's API.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendtsError } from '../runtime/core/errors.js';

/** The package.json of this copy of backendts. */
export interface OwnManifest {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Where a new project gets backendts from. */
export interface BackendtsSource {
  /** The new project's dependency on backendts: `^<version>`, or `file:vendor/backendts-<version>.tgz`. */
  dependency: string;
  /** This copy's manifest, for the versions of the packages a project shares with it. */
  manifest: OwnManifest;
  /** Packs this copy into the project's `vendor/` (once its files are written); absent for a registry install. */
  pack?(projectDir: string): void;
}

/** Folder of a new project that holds the packed backendts. */
export const VENDOR_DIR = 'vendor';

/**
 * Where a project made by this copy gets backendts from. Fails with
 * `BT_SCAFFOLD_PACK` when this copy must be packed but is not built.
 */
export function backendtsSource(): BackendtsSource {
  const own = ownPackage();
  const version = own?.manifest.version ?? '0.0.0';
  if (own === undefined || isRegistryInstall(own.root)) return { dependency: `^${version}`, manifest: own?.manifest ?? {} };
  const root = own.root;
  if (!existsSync(path.join(root, 'dist', 'runtime', 'index.js'))) {
    throw new BackendtsError('BT_SCAFFOLD_PACK', `backendts in ${root} is not built, so it cannot be packed into the new project`, {
      hint: `run \`npm run build\` in ${root}, then create_project again`,
    });
  }
  return { dependency: `file:${VENDOR_DIR}/backendts-${version}.tgz`, manifest: own.manifest, pack: (projectDir) => packInto(root, projectDir) };
}

/** This copy's package folder and manifest. */
function ownPackage(): { root: string; manifest: OwnManifest } | undefined {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as OwnManifest & { name?: string };
      if (manifest.name === 'backendts') return { root: dir, manifest };
    } catch {
      // No package.json at this level: keep walking up.
    }
  }
  return undefined;
}

/** True when the package folder was installed from a registry (it sits in a node_modules folder). */
function isRegistryInstall(root: string): boolean {
  return realpathSync(root).split(path.sep).includes('node_modules');
}

/** Packs the copy at `root` into `<projectDir>/vendor/` with `npm pack`; fails with `BT_SCAFFOLD_PACK` when npm does. */
function packInto(root: string, projectDir: string): void {
  const destination = path.join(projectDir, VENDOR_DIR);
  mkdirSync(destination, { recursive: true });
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: root, stdio: 'ignore' });
  } catch (error) {
    throw new BackendtsError('BT_SCAFFOLD_PACK', `npm pack failed in ${root}: ${(error as Error).message.split('\n')[0]}`, {
      hint: `check that npm runs there (\`npm pack\` in ${root}), or install backendts from the registry`,
      cause: error,
    });
  }
}
