/**
 * `backendts run --watch`: the development server. This process serves
 * nothing itself: it forks the server (`backendts run`, `server-process.ts`),
 * watches the project's files (`watched-files.ts`, through codegen's folder
 * watcher) and, after each burst of changes, stops that server and starts a
 * new one, which runs codegen and follows a change of the models first
 * (`watched-server.ts`). A server that fails to start (a syntax error, a
 * failing startup handler) has printed why; the watcher waits for the next
 * change. SIGINT or SIGTERM stops the server and resolves to 0.
 */
import { performance } from 'node:perf_hooks';
import { watchFiles } from '../../codegen/watch-files.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { describeChanges, isWatchedFile } from './watched-files.js';

/** What `run --watch` passes on to each server. */
export interface WatchedRunOptions {
  host?: string | undefined;
  port?: number | undefined;
  debug?: boolean;
}

/** Serves the project, restarting on change, until SIGINT/SIGTERM; resolves to the exit code. */
export function superviseServer(project: ProjectContext, options: WatchedRunOptions, output: Output): Promise<number> {
  const { projectDir } = project;
  let server: ServerProcess | undefined;
  let modelsFingerprint: string | undefined;
  // The previous server's model modules; undefined until one started.
  let modelFiles: ReadonlySet<string> | undefined;
  let url: string | undefined;
  // `--port 0` picks a free port once: later servers keep it, so the address stays the same.
  let port = options.port;
  let stopping = false;

  const restart = async (changed: string[]): Promise<void> => {
    const began = performance.now();
    const cause = changed.length > 0 ? describeChanges(projectDir, changed) : undefined;
    const previous = server;
    server = undefined;
    await previous?.stop();
    if (stopping) return;
    const modelsEdited = modelsFingerprint !== undefined && (modelFiles === undefined || changed.some((file) => modelFiles!.has(file)));
    const current = startServerProcess(childArgs(project, { ...options, port }), { previousModels: modelsFingerprint, modelsEdited }, output);
    server = current;
    const start = await current.started;
    if (stopping || server !== current) return;
    if ('exitCode' in start) {
      server = undefined;
      modelFiles = undefined;
      output.error(`the server did not start${cause ? ` (${cause})` : ''}: waiting for a change to restart`);
      return;
    }
    const { listening } = start;
    modelsFingerprint = listening.modelsFingerprint;
    modelFiles = new Set(listening.modelFiles);
    if (options.port === 0) port = listening.port;
    const moved = listening.url !== url ? `: listening on ${listening.url}` : '';
    url = listening.url;
    if (cause) output.info(`restarted in ${((performance.now() - began) / 1000).toFixed(1)} s (${cause})${moved}`);
    else output.info(`listening on ${listening.url} (watching for changes, Ctrl+C to stop)`);
    void current.exited.then((code) => {
      if (!stopping && server === current) {
        server = undefined;
        output.error(`the server exited (code ${code}): waiting for a change to restart`);
      }
    });
  };

  const files = watchFiles({
    isRelevant: (file) => isWatchedFile(projectDir, file),
    onChanges: (changed) =>
      restart(changed).catch((error: unknown) => {
        output.error(`restart failed: ${error instanceof Error ? error.message : String(error)}`);
      }),
  });
  files.add(projectDir, { tree: true });
  files.trigger();

  return new Promise((resolve) => {
    const onSignal = (): void => {
      if (stopping) {
        // A second Ctrl+C: the server is cut short.
        server?.kill();
        return;
      }
      stopping = true;
      void (async () => {
        // The server first: a restart waiting for a server to start ends with it.
        await server?.stop();
        await files.close();
        for (const signal of SIGNALS) process.off(signal, onSignal);
        resolve(0);
      })();
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
  });
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The server's command line: `run` with the project, environment and flags of this one, without --watch. */
function childArgs(project: ProjectContext, options: WatchedRunOptions): string[] {
  return [
    'run',
    '--project', project.projectDir,
    ...(project.env !== undefined ? ['--env', project.env] : []),
    ...(options.host !== undefined ? ['--host', options.host] : []),
    ...(options.port !== undefined ? ['--port', String(options.port)] : []),
    ...(options.debug ? ['--debug'] : []),
  ];
}
