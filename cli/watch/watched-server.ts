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
import { loadConfig } from '../../runtime/project/config.js';
import { preloadDrizzleKit } from '../create-db/plan.js';
import { STOP_MESSAGE, type ListeningMessage, type WatchedStart } from './protocol.js';
import { modelFiles, modelsFingerprint } from './models-fingerprint.js';
import { applySchemaChange, schemaChangeAction } from './schema-change.js';

/** The models a watched server serves, for the supervisor. */
export interface ServedModels {
  fingerprint: string;
  files: string[];
}

/** Runs codegen and follows a change of the models; resolves to the models the server will serve. */
export async function prepareWatchedServer(project: ProjectContext, watched: WatchedStart, output: Output): Promise<ServedModels> {
  if (watched.modelsEdited) await preloadForPush(project);
  const result = await generate({ projectDir: project.projectDir, env: project.env });
  const written = result.files.filter((file) => file.status === 'written').map((file) => path.relative(project.projectDir, file.path));
  if (written.length > 0) output.info(`codegen: wrote ${written.join(', ')}`);
  const { collected } = result;
  const fingerprint = await modelsFingerprint(collected);
  if (watched.previousModels !== undefined && watched.previousModels !== fingerprint) {
    await applySchemaChange(project, collected.config, collected.configFile, output);
  }
  return { fingerprint, files: modelFiles(collected) };
}

/** Loads drizzle-kit when a push may follow: imported after the TypeScript loader, it takes several times longer. */
async function preloadForPush(project: ProjectContext): Promise<void> {
  const { config, file } = loadConfig(project.projectDir, { env: project.env });
  if (schemaChangeAction(project.projectDir, config, file).push) await preloadDrizzleKit();
}

/** Tells the supervisor where the server listens, and stops when it asks (or disconnects). */
export function reportToSupervisor(bp: ServableProject, listening: { url: string; port: number }, models: ServedModels): void {
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
  const message: ListeningMessage = {
    type: 'backendts:watch-listening',
    url: listening.url,
    port: listening.port,
    modelsFingerprint: models.fingerprint,
    modelFiles: models.files,
  };
  process.send?.(message);
}
