/** The database the migration commands work on, read from the project's config as the server reads it. */
import { loadConfig } from '../../runtime/project/config.js';
import { describeTarget, readDatabaseSettings, sessionSettings, type DatabaseSettings } from '../../runtime/db/settings.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';

/** Reads `[database]` and prints where the command connects. */
export function migrationTarget(project: ProjectContext, output: Output): { settings: DatabaseSettings; where: string } {
  const { config, file } = loadConfig(project.projectDir, { env: project.env });
  // direct_url (or direct_host/direct_port) when set: a transaction pooler cannot hold the lock and session migrate needs.
  const settings = sessionSettings(readDatabaseSettings(config, { projectDir: project.projectDir, configFile: file }));
  const where = describeTarget(settings.target);
  output.info(`connecting to ${where}…`);
  return { settings, where };
}
