/**
 * The fault fixture project (fixtures/faults/outage: a ledger written by every
 * request) served with setDatabaseHooks on a free port, with a logger that
 * keeps every line, so a test can count what the server said.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Backendts, type Logger } from '../../../runtime/index.js';
import type { ConfigSection } from '../../../runtime/project/config.js';
import { setDatabaseHooks } from '../../../runtime/db/index.js';
import { logInto } from '../../support/log-call.js';

/** The fault fixture project's folder. */
export const FAULTS_PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/faults/outage');

/** The ledger table of the fixture; the tests create it (the project does not). */
export const LEDGER_SCHEMA = `
  create table if not exists ledger (
    id serial primary key,
    request_id text unique not null,
    written_at timestamptz not null default now()
  );
`;

/** One line the server logged. */
export interface LogLine {
  level: 'error' | 'warn' | 'info';
  message: string;
  error?: unknown;
  /** `performance.now()` when it was logged. */
  at: number;
}

/** A logger that keeps every line (and prints nothing). */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const keep = (level: LogLine['level']) =>
    logInto(({ message, error }) => void lines.push({ level, message, ...(error !== undefined && { error }), at: performance.now() }));
  return { lines, error: keep('error'), warn: keep('warn'), info: keep('info') };
}

/** The served fixture. */
export interface FaultServer {
  bp: Backendts;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything the server logged, in order. */
  logs: LogLine[];
  close(): Promise<void>;
}

/** Another fixture project to serve, and a [networking] section for it. */
export interface ServeOptions {
  /** The project folder and its one app (default: the ledger project). */
  project?: { dir: string; app: string };
  networking?: ConfigSection;
}

/** Serves fixtures/faults/outage (or `options.project`) with `database` as its [database] section (e.g. `cluster.databaseSection(name)`). */
export async function serveFaults(database: ConfigSection, options: ServeOptions = {}): Promise<FaultServer> {
  const logger = recordingLogger();
  const project = options.project ?? { dir: FAULTS_PROJECT, app: 'apps/ledger' };
  const bp = new Backendts({
    projectDir: project.dir,
    config: { apps: { active: [project.app] }, database, ...(options.networking && { networking: options.networking }) },
    logger,
  });
  setDatabaseHooks(bp);
  const listening = await bp.listen({ host: '127.0.0.1', port: 0, signals: false });
  return { bp, url: listening.url, logs: logger.lines, close: () => bp.close() };
}
