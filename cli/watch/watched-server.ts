/**
 * The server child's side of `run --watch`: before serving, it runs codegen
 * (writing only files that change) and, when the models differ from the ones
 * the previous server ran with, brings the database along
 * (`schema-change.ts`); once listening, it tells the supervisor, and closes
 * gracefully when asked or when the supervisor is gone.
 */
import path from 'node:path';
import { generate } from '../../codegen/generate.js';
import type { ServableProject } from '../main-module.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';
import { STOP_MESSAGE, type ListeningMessage } from './protocol.js';
import { modelsFingerprint } from './models-fingerprint.js';
import { applySchemaChange } from './schema-change.js';

/** Runs codegen and follows a change of the models; resolves to the fingerprint of the models the server will serve. */
export async function prepareWatchedServer(project: ProjectContext, previousModels: string | undefined, output: Output): Promise<string> {
  const result = await generate({ projectDir: project.projectDir, env: project.env });
  const written = result.files.filter((file) => file.status === 'written').map((file) => path.relative(project.projectDir, file.path));
  if (written.length > 0) output.info(`codegen: wrote ${written.join(', ')}`);
  const models = await modelsFingerprint(result.collected);
  if (previousModels !== undefined && previousModels !== models) await applySchemaChange(project, result.collected, output);
  return models;
}

/** Tells the supervisor where the server listens, and stops when it asks (or disconnects). */
export function reportToSupervisor(bp: ServableProject, listening: { url: string; port: number }, modelsFingerprint: string): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    bp.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('message', (message) => {
    if (message === STOP_MESSAGE) stop();
  });
  // The supervisor died without asking: no server outlives it.
  process.on('disconnect', stop);
  const message: ListeningMessage = { type: 'backendts:watch-listening', url: listening.url, port: listening.port, modelsFingerprint };
  process.send?.(message);
}
