/**
 * `backendts run [--host] [--port] [--workers N] [--watch]`: imports the
 * project's main module and serves `bp`. The runtime's `listen` closes
 * gracefully on SIGINT/SIGTERM and exits 0. With `--workers N` this process
 * becomes a node:cluster primary that forks N workers serving the same port;
 * with `--watch`, a supervisor that forks this same command (without
 * --watch) and restarts it on change (`cli/watch/`).
 */
import cluster from 'node:cluster';
import { loadConfig } from '../../runtime/project/config.js';
import { describeTarget, readDatabaseSettings } from '../../runtime/db/settings.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { port, trimmed, wholeNumber } from '../../runtime/core/setting-values.js';
import { readFlag } from '../flags.js';
import { requireActiveApps } from '../../runtime/project/apps.js';
import { loadMainModule } from '../main-module.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';
import { serveWithWorkers, stopOnPrimaryRequest } from '../workers.js';
import { watchedServer } from '../watch/protocol.js';

/** Options of `run`, as given on the command line. */
export interface RunOptions {
  host?: unknown;
  port?: unknown;
  workers?: unknown;
  /** Restart on change (the development server). */
  watch?: boolean;
  /** `--debug`, passed on to the servers `--watch` starts. */
  debug?: boolean;
}

/** Starts serving; resolves to nothing while serving, or throws when startup fails. */
export async function run(project: ProjectContext, options: RunOptions, output: Output): Promise<number | void> {
  const host = readHost(options.host);
  const port = readPort(options.port);
  const workers = readWorkers(options.workers);
  if (options.watch) {
    if (options.workers !== undefined) {
      throw new BackendtsError('BT_RUN_WATCH_WORKERS', `--watch restarts one server process; it cannot be combined with --workers ${workers}`, {
        hint: 'develop with run --watch (one process), serve with run --workers N',
      });
    }
    return (await import('../watch/supervisor.js')).superviseServer(project, { host, port, debug: options.debug }, output);
  }
  if (workers > 1 && cluster.isPrimary) {
    checkBeforeForking(project, workers);
    return serveWithWorkers(workers, output);
  }
  const watched = watchedServer();
  const watchedSide = watched && (await import('../watch/watched-server.js'));
  const models = watchedSide && (await watchedSide.prepareWatchedServer(project, watched, output));
  const bp = await loadMainModule(project.projectDir);
  requireActiveApps(bp.config, bp.configFile);
  const listening = await bp.listen({ ...(host !== undefined && { host }), ...(port !== undefined && { port }) });
  if (cluster.isWorker) stopOnPrimaryRequest();
  else if (watchedSide) watchedSide.reportToSupervisor(bp, listening, models!);
  else output.info(`listening on ${listening.url} (Ctrl+C to stop)`);
}

/**
 * What would make every worker fail, refused once before forking: no app to
 * serve, or an embedded data folder, which several processes would corrupt.
 */
function checkBeforeForking(project: ProjectContext, workers: number): void {
  const { config, file } = loadConfig(project.projectDir, { env: project.env });
  requireActiveApps(config, file);
  const settings = readDatabaseSettings(config, { projectDir: project.projectDir, configFile: file });
  if (settings.target.driver === 'pglite') {
    throw new BackendtsError(
      'BT_RUN_WORKERS_EMBEDDED',
      `--workers ${workers} cannot share the ${describeTarget(settings.target)}: it serves one process only`,
      { hint: 'run with one worker, or set [database] host (or url) to use a PostgreSQL server' },
    );
  }
}

function readHost(value: unknown): string | undefined {
  return readFlag(value, '--host', trimmed, '--host 0.0.0.0');
}

function readPort(value: unknown): number | undefined {
  return readFlag(value, '--port', port, '--port 8000 (0 picks a free port)');
}

function readWorkers(value: unknown): number {
  return readFlag(value, '--workers', wholeNumber(1), '--workers 2') ?? 1;
}
