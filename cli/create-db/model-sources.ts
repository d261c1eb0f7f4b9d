/**
 * What the models were built from, recorded with each push, so that a later
 * create_db can tell without loading them that they are still the models it
 * pushed (about a second saved on a thousand tables):
 * - every file Node loaded while the models were collected (the apps' main
 *   modules, the model modules, whatever they import, in the project and in
 *   node_modules) or that went into the bundle they were loaded from, with
 *   a hash of its content, by its path from the project folder, so that
 *   another checkout of the same sources matches too;
 * - the project's package.json (its `imports` aliases) and tsconfig.json with
 *   the local files it extends (its `paths` aliases), which decide where an
 *   import leads;
 * - every environment variable read meanwhile, by name, and one hash of
 *   their values (no value is stored, nor any value's own hash);
 * - the settings as parsed (config.ini with `${NAME}` resolved), the config
 *   file's name, and backendts', drizzle-orm's and drizzle-kit's versions.
 *
 * A record is only made when every app main module and model module was
 * among the loaded files (so none was loaded before by other means) and no
 * loaded file was written to while the models were being collected.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CollectedSchema } from '../../codegen/collect.js';
import type { Config } from '../../runtime/project/config.js';
import { projectTsconfig } from '../../runtime/project/load-typescript.js';
import { toolVersions } from './tool-versions.js';
import { recordLoadedFiles } from './loaded-files.js';

/** The format of a record; a record of another format is never trusted. */
const FORMAT = 1;

/** The inputs of one collection of the models. */
export interface ModelSources {
  format: number;
  /** backendts', drizzle-orm's and drizzle-kit's versions. */
  tools: string;
  /** Hash of the settings as parsed, the config file's name and the environment name. */
  context: string;
  /** Path from the project folder (`/`-separated) → sha256 of the content, `-` for a file that was not there. */
  files: Record<string, string>;
  /** Names of the environment variables read, sorted. */
  envNames: string[];
  /** Hash of their values (unset ones included as unset). */
  envValues: string;
}

/** What decides which project a collection runs on, besides the files. */
export interface SourcesContext {
  projectDir: string;
  configFile: string;
  config: Config;
  env: string | undefined;
}

/** The hash of a context; equal for two checkouts of one project with the same settings. */
export function contextHash({ projectDir, configFile, config, env }: SourcesContext): string {
  return sha256(JSON.stringify({ configFile: toRecordPath(path.resolve(projectDir), configFile), env: env ?? null, config }));
}

/**
 * Runs `collect` while recording what it loads and reads; resolves to what
 * it collected and the record, or `sources: undefined` when no sound record
 * can be made (see the module comment).
 */
export async function collectRecordingSources(
  project: { projectDir: string; env: string | undefined },
  collect: () => Promise<CollectedSchema>,
): Promise<{ collected: CollectedSchema; sources: ModelSources | undefined }> {
  const started = Date.now();
  const reads = recordEnvironmentReads();
  let recorded: Awaited<ReturnType<typeof recordLoadedFiles<CollectedSchema>>>;
  try {
    recorded = await recordLoadedFiles(collect);
  } finally {
    reads.stop();
  }
  const collected = recorded.result;
  if (recorded.files === undefined) return { collected, sources: undefined };
  // Files read into one bundle: Node loaded the bundle, not them.
  const loaded = new Set([...recorded.files, ...('bundle' in collected.loadedFrom ? collected.loadedFrom.bundle : [])]);
  const needed = [...collected.apps.map((app) => app.mainFile), ...collected.entries.map((entry) => entry.file)];
  if (needed.some((file) => !loaded.has(realPath(file)))) return { collected, sources: undefined };
  const projectDir = realProjectDir(project.projectDir);
  const context: SourcesContext = { projectDir: project.projectDir, configFile: collected.configFile, config: collected.config, env: project.env };
  const files: Record<string, string> = {};
  for (const file of [...loaded, ...resolutionFiles(projectDir)].sort()) {
    const stat = statSync(file, { throwIfNoEntry: false });
    // Written while being loaded: the hash may not be of what was pushed.
    if (stat !== undefined && stat.mtimeMs >= started) return { collected, sources: undefined };
    files[toRecordPath(projectDir, file)] = fileHash(file);
  }
  const envNames = [...reads.names].sort();
  return {
    collected,
    sources: { format: FORMAT, tools: toolVersions(), context: contextHash(context), files, envNames, envValues: envHash(envNames) },
  };
}

/** True when `sources` describes the models this run would load: every file, variable and setting as recorded. */
export function sourcesUnchanged(sources: ModelSources, context: SourcesContext): boolean {
  if (sources.format !== FORMAT || sources.tools !== toolVersions() || sources.context !== contextHash(context)) return false;
  if (sources.envValues !== envHash(sources.envNames)) return false;
  const projectDir = realProjectDir(context.projectDir);
  for (const [recordPath, hash] of Object.entries(sources.files)) {
    if (fileHash(path.resolve(projectDir, recordPath)) !== hash) return false;
  }
  return true;
}

/**
 * The files that decide where imports lead: package.json, and tsconfig.json
 * (the project's, else the nearest above it: every place looked at is
 * recorded, so one that appears later is seen) with the local files it extends.
 */
function resolutionFiles(projectDir: string): string[] {
  const files = [path.join(projectDir, 'package.json')];
  const found = projectTsconfig(projectDir);
  for (let dir = projectDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'tsconfig.json');
    if (candidate === found || path.dirname(dir) === dir) break;
    files.push(candidate);
  }
  for (let tsconfig = found, depth = 0; tsconfig !== undefined && depth < 10; depth++) {
    files.push(tsconfig);
    tsconfig = localExtends(tsconfig);
  }
  return files;
}

/** The tsconfig a tsconfig extends, when it names a file by relative path (a package's is covered by node_modules' versions). */
function localExtends(tsconfig: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(tsconfig, 'utf8');
  } catch {
    return undefined;
  }
  const target = /"extends"\s*:\s*"(\.{1,2}\/[^"]+)"/.exec(text)?.[1];
  if (target === undefined) return undefined;
  const file = path.resolve(path.dirname(tsconfig), target);
  return file.endsWith('.json') ? file : `${file}.json`;
}

function recordEnvironmentReads(): { names: Set<string>; stop(): void } {
  const original = process.env;
  const names = new Set<string>();
  const note = (key: string | symbol) => {
    if (typeof key === 'string') names.add(key);
  };
  process.env = new Proxy(original, {
    get: (target, key) => {
      note(key);
      return Reflect.get(target, key);
    },
    has: (target, key) => {
      note(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor: (target, key) => {
      note(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  return {
    names,
    stop: () => {
      process.env = original;
    },
  };
}

function envHash(names: readonly string[]): string {
  return sha256(JSON.stringify(names.map((name) => [name, process.env[name] ?? null])));
}

function fileHash(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return '-';
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function realProjectDir(projectDir: string): string {
  return realPath(path.resolve(projectDir));
}

function toRecordPath(projectDir: string, file: string): string {
  return path.relative(projectDir, file).split(path.sep).join('/');
}
