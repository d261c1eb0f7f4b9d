/**
 * Writes (or checks) the generated files under `<project>/.backendts/`.
 * Everything is collected and rendered before anything is written, files
 * that did not change are left alone, and each write is a rename of a
 * finished temporary file, so a failure never leaves a half-written file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { collectSchema, type CollectedEntry, type CollectedSchema, type CollectSchemaOptions } from './collect.js';
import { GENERATED_DIR, GENERATED_FILES, renderFiles } from './emit.js';

export { isGeneratedSchemaStale } from '../runtime/project/generated-files.js';

/** Options of {@link generate}. */
export interface GenerateOptions extends CollectSchemaOptions {
  /** Write nothing; report which files are stale (missing or different). */
  check?: boolean;
}

/** What happened to one generated file. */
export type GeneratedFileStatus = 'written' | 'unchanged' | 'stale';

/** One generated file and what happened to it. */
export interface GeneratedFile {
  /** Absolute path. */
  path: string;
  status: GeneratedFileStatus;
}

/** The result of {@link generate}. */
export interface GenerateResult {
  /** schema.ts, types.d.ts and drizzle.config.ts, in that order. */
  files: GeneratedFile[];
  /** What was collected (the same as `collectSchema` gives). */
  entries: CollectedEntry[];
  hash: string;
  /** True when `check` found a stale file (the CLI then exits non-zero). */
  stale: boolean;
  /** The whole collection, for callers that go on to use the schema. */
  collected: CollectedSchema;
}

/**
 * Collects the project's schema and writes `.backendts/schema.ts`,
 * `types.d.ts` and `drizzle.config.ts`, rewriting only files whose bytes
 * change. With `check`, writes nothing and marks differing files `stale`.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const collected = await collectSchema(options);
  const dir = path.join(collected.projectDir, GENERATED_DIR);
  const contents = renderFiles(collected);
  const plan = await Promise.all(
    GENERATED_FILES.map(async (name) => {
      const file = path.join(dir, name);
      const current = await readFile(file, 'utf8').catch(() => undefined);
      return { file, content: contents[name], changed: current !== contents[name] };
    }),
  );
  const changed = plan.filter((item) => item.changed);
  if (!options.check && changed.length > 0) await writeAll(dir, changed);
  const changedStatus: GeneratedFileStatus = options.check ? 'stale' : 'written';
  return {
    files: plan.map((item) => ({ path: item.file, status: item.changed ? changedStatus : 'unchanged' })),
    entries: collected.entries,
    hash: collected.hash,
    stale: options.check === true && changed.length > 0,
    collected,
  };
}

/** Writes every file to a temporary name first, then renames them all into place. */
async function writeAll(dir: string, files: readonly { file: string; content: string }[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await Promise.all(files.map((item) => writeFile(item.file + suffix, item.content)));
  } catch (error) {
    await Promise.all(files.map((item) => rm(item.file + suffix, { force: true })));
    throw error;
  }
  for (const item of files) await rename(item.file + suffix, item.file);
}
