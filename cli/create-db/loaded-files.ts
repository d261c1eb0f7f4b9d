/**
 * Which files the process loads from disk while a function runs: every ES
 * module (through a load hook, which sees what the TypeScript loader reads
 * too) and every CommonJS module (new entries of require's cache). create_db
 * records them with a push (see model-sources.ts). Modules loaded before the
 * function runs are not seen: backendts' own, and what it had loaded of its
 * dependencies, which their versions stand for.
 *
 * Node 22.15+ runs the hook on the main thread (`module.registerHooks`);
 * Node 20 runs it on the loader thread (`module.register`), which posts each
 * URL back on a port read synchronously when the function is done.
 */
import * as nodeModule from 'node:module';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

type NextLoad = (url: string, context?: unknown) => unknown;

/** `module.registerHooks` (Node 22.15+ and 23.5+); missing from Node 20's typings. */
type RegisterHooks = (hooks: { load: (url: string, context: unknown, nextLoad: NextLoad) => unknown }) => unknown;

/** Reads the URLs loaded since the last call into `into`. */
type Drain = (into: Set<string> | undefined) => void;

/** URLs loaded while recording; undefined when not recording. */
let recording: Set<string> | undefined;
let drain: Drain | undefined;
let installed = false;

/**
 * True when this module was compiled by vite (under vitest): vite's module
 * runner loads the project's modules itself, where no hook sees them.
 */
function loadedByVite(): boolean {
  return (import.meta as { env?: unknown }).env !== undefined;
}

/** Installs the hook once per process; undefined where loads cannot be seen (then nothing is recorded, and later runs load the models). */
function install(): Drain | undefined {
  if (installed || loadedByVite()) return drain;
  installed = true;
  try {
    drain = installHook();
  } catch {
    // A thread that may not register hooks: no record, which only costs speed.
    drain = undefined;
  }
  return drain;
}

function installHook(): Drain {
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;
  if (registerHooks !== undefined) {
    registerHooks({
      load: (url, context, nextLoad) => {
        recording?.add(url);
        return nextLoad(url, context);
      },
    });
    return () => {};
  }
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  nodeModule.register(new URL('./loaded-files-hooks.js', import.meta.url), { data: { port: port2 }, transferList: [port2] });
  return (into) => {
    for (let message = receiveMessageOnPort(port1); message !== undefined; message = receiveMessageOnPort(port1)) {
      into?.add(String(message.message));
    }
  };
}

/**
 * Runs `run` and resolves to its result with the absolute paths of the files
 * loaded meanwhile, or `files: undefined` where this cannot be known (under
 * vitest). Not reentrant: one recording at a time.
 */
export async function recordLoadedFiles<T>(run: () => Promise<T>): Promise<{ result: T; files: Set<string> | undefined }> {
  const collect = install();
  if (collect === undefined) return { result: await run(), files: undefined };
  const cache = createRequire(import.meta.url).cache;
  const before = new Set(Object.keys(cache));
  collect(undefined);
  const urls = new Set<string>();
  recording = urls;
  try {
    const result = await run();
    collect(urls);
    const files = new Set<string>();
    for (const url of urls) {
      if (url.startsWith('file:')) files.add(fileURLToPath(url.replace(/[?#].*$/, '')));
    }
    for (const file of Object.keys(cache)) if (!before.has(file)) files.add(file);
    return { result, files };
  } finally {
    recording = undefined;
  }
}

/** The port the loader-thread hook posts on (Node 20). */
export interface LoadedFilesHookData {
  port: MessagePort;
}
