/**
 * The load hook of loaded-files.ts on Node 20, where hooks run on the
 * loader thread (`module.register`): posts each loaded URL to the main
 * thread, then loads it as the next hook would.
 */
import type { LoadedFilesHookData } from './loaded-files.js';

let port: LoadedFilesHookData['port'] | undefined;

/** Receives the port from `module.register`. */
export function initialize(data: LoadedFilesHookData): void {
  port = data.port;
}

/** Posts the URL, then hands over to the next loader. */
export function load(url: string, context: unknown, nextLoad: (url: string, context?: unknown) => unknown): unknown {
  port?.postMessage(url);
  return nextLoad(url, context);
}
