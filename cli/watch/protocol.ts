/**
 * What `run --watch` (the supervisor) and the server process it forks tell
 * each other: an environment variable marks the child and says what the
 * previous server ran with; IPC messages say that the child listens and ask
 * it to stop.
 */

/** Set by the supervisor in the server child's environment: a {@link WatchedStart} as JSON. */
export const WATCH_ENV_VAR = 'BACKENDTS_WATCH';

/** What the supervisor tells a server child it starts. */
export interface WatchedStart {
  /** The fingerprint of the models the previous server ran with; absent for the first server. */
  previousModels?: string | undefined;
  /** A model module of the previous server is among the changed files (or that server never started): drizzle-kit is loaded first, before the TypeScript loader slows its import down. */
  modelsEdited: boolean;
}

/** The supervisor asks the child to close gracefully and exit. */
export const STOP_MESSAGE = 'backendts:watch-stop';

/** The child listens: where, and the fingerprint of the models it serves. */
export interface ListeningMessage {
  type: 'backendts:watch-listening';
  url: string;
  port: number;
  modelsFingerprint: string;
  /** The model modules it loaded (absolute paths). */
  modelFiles: string[];
}

/** In a server child of `run --watch`: what the supervisor told it; undefined in any other process. */
export function watchedServer(): WatchedStart | undefined {
  const value = process.env[WATCH_ENV_VAR];
  if (value === undefined || typeof process.send !== 'function') return undefined;
  return JSON.parse(value) as WatchedStart;
}

/** True for the child's listening message. */
export function isListeningMessage(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'backendts:watch-listening';
}
