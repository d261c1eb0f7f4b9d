/**
 * Whether the models changed between two servers of `run --watch`. Codegen's
 * hash only covers which objects exist (the generated files need no more),
 * so the model modules' sources are hashed with it: a new column changes the
 * source, not the hash. A change in a file a model module imports (a shared
 * column helper) is not seen; `create_db` covers it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CollectedSchema } from '../../codegen/collect.js';

/** The model modules the collected objects come from (absolute paths, each once, sorted). */
export function modelFiles(collected: CollectedSchema): string[] {
  return [...new Set(collected.entries.map((entry) => entry.file))].sort();
}

/** A fingerprint of the collected objects and the sources of the modules that define them. */
export async function modelsFingerprint(collected: CollectedSchema): Promise<string> {
  const hash = createHash('sha256').update(`${collected.hash}\n`);
  for (const file of modelFiles(collected)) hash.update(`${file}\n`).update(await readFile(file).catch(() => Buffer.alloc(0))).update('\n');
  return hash.digest('hex').slice(0, 16);
}
