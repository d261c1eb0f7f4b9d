/** The message a watch-mode generation process sends back to its parent. */
import type { CollectedEntry } from './collect.js';
import type { GeneratedFile } from './generate.js';

/** A collected entry without its object (which cannot cross processes). */
export type CollectedEntrySummary = Omit<CollectedEntry, 'object'>;

/** The outcome of one generation in a child process. */
export type WatchMessage =
  | { ok: true; files: GeneratedFile[]; hash: string; entries: CollectedEntrySummary[] }
  | {
      ok: false;
      error: { code: string | undefined; message: string; hint: string | undefined; stack: string | undefined; causeStack: string | undefined };
    };
