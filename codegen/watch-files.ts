/**
 * Watches folders for changed files, for `codegen --watch` and
 * `run --watch`. Folders are watched, never files: editors save by writing
 * a temporary file and renaming it over the old one, and a watch on a file
 * follows the old file, which is gone (on Node 20, `fs.watch` on a file,
 * and the recursive folder watch built from such watches on Linux, stop
 * firing after the first such save). On Linux each folder of a tree gets
 * its own non-recursive watch, added and dropped as folders come and go;
 * macOS and Windows watch a tree natively.
 *
 * Changes are debounced (a burst of saves is one change) and handed to one
 * callback at a time: changes that come while it runs make one more call
 * after it.
 */
import { existsSync, lstatSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/** Options of {@link watchFiles}. */
export interface WatchFilesOptions {
  /** Whether a changed path (absolute) counts as a change. */
  isRelevant(file: string): boolean;
  /** Called once per burst with the changed files (absolute, sorted); never while a previous call is running. Must not reject. */
  onChanges(files: string[]): Promise<void> | void;
  /** Quiet time after the last change before `onChanges`, in ms (default 100). */
  debounceMs?: number;
}

/** A running watch. */
export interface FileWatch {
  /** Watches `dir`; with `tree`, its subfolders too, as they appear. A missing folder is skipped. */
  add(dir: string, options: { tree: boolean }): void;
  /** Calls `onChanges(files)` as if they had changed (e.g. a first run with none). */
  trigger(files?: readonly string[]): void;
  /** Resolves when no change is pending and no call is running. */
  idle(): Promise<void>;
  /** Stops watching and waits for a running call. */
  close(): Promise<void>;
}

/** Folders never descended into: dependencies, generated output, version control, editors' and tools' own. */
export function isSkippedFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

const NATIVE_TREES = process.platform === 'darwin' || process.platform === 'win32';

/** Starts a watch; add folders with `add`. */
export function watchFiles(options: WatchFilesOptions): FileWatch {
  const debounceMs = options.debounceMs ?? 100;
  const watchers = new Map<string, FSWatcher>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let pending = new Set<string>();
  let requested = false;
  let running: Promise<void> | undefined;

  const schedule = (files: Iterable<string>) => {
    if (closed) return;
    requested = true;
    for (const file of files) pending.add(file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };

  const flush = () => {
    timer = undefined;
    if (closed || running) return;
    const files = [...pending].sort();
    pending = new Set();
    requested = false;
    running = Promise.resolve()
      .then(() => options.onChanges(files))
      .finally(() => {
        running = undefined;
        // What came in meanwhile waited for this call to finish.
        if (requested && !closed && !timer) flush();
      });
  };

  const unwatch = (dir: string) => {
    for (const [watched, watcher] of watchers) {
      if (watched === dir || watched.startsWith(dir + path.sep)) {
        watcher.close();
        watchers.delete(watched);
      }
    }
  };

  /** Watches `dir` (and, for a tree, its subfolders); returns the relevant files found in the folders it newly watched. */
  const add = (dir: string, tree: boolean): string[] => {
    if (closed || watchers.has(dir) || !isFolder(dir)) return [];
    const recursive = tree && NATIVE_TREES;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { recursive }, (_event, name) => {
        if (name !== null) onEvent(path.join(dir, name.toString()), tree && !recursive);
      });
    } catch {
      return [];
    }
    watcher.on('error', () => unwatch(dir));
    watchers.set(dir, watcher);
    const found: string[] = [];
    for (const entry of readEntries(dir)) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (tree && !recursive && !isSkippedFolder(entry.name)) found.push(...add(child, true));
      } else if (options.isRelevant(child)) found.push(child);
    }
    return found;
  };

  const onEvent = (file: string, tree: boolean) => {
    if (watchers.has(file) && !existsSync(file)) unwatch(file);
    if (tree && !isSkippedFolder(path.basename(file)) && isFolder(file)) {
      // A folder moved in or made: its files are new too.
      const found = add(file, true);
      if (found.length > 0) schedule(found);
      return;
    }
    if (options.isRelevant(file)) schedule([file]);
  };

  return {
    add(dir, { tree }) {
      add(path.resolve(dir), tree);
    },
    trigger(files = []) {
      schedule(files);
    },
    async idle() {
      while (running || timer) await (running ?? new Promise((resolve) => setTimeout(resolve, debounceMs)));
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      await running;
    },
  };
}

function isFolder(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function readEntries(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
