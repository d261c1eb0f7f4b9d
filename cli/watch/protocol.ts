/**
 * What `run --watch` (the supervisor) and the server process it forks tell
 * each other: an environment variable marks the child and carries the models
 * the previous server ran with; IPC messages say that the child listens and
 * ask it to stop.
 */

/** Set by the supervisor in the server child's environment: the previous server's models fingerprint ('' for the first server). */
export const WATCH_MODELS_ENV_VAR = 'BACKENDTS_WATCH_MODELS';

/** The supervisor asks the child to close gracefully and exit. */
export const STOP_MESSAGE = 'backendts:watch-stop';

/** The child listens: where, and the fingerprint of the models it serves. */
export interface ListeningMessage {
  type: 'backendts:watch-listening';
  url: string;
  port: number;
  modelsFingerprint: string;
}

/** In a server child of `run --watch`: what the previous server ran with; undefined in any other process. */
export function watchedServer(): { previousModels: string | undefined } | undefined {
  const value = process.env[WATCH_MODELS_ENV_VAR];
  if (value === undefined || typeof process.send !== 'function') return undefined;
  return { previousModels: value === '' ? undefined : value };
}

/** True for the child's listening message. */
export function isListeningMessage(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'backendts:watch-listening';
}
