/**
 * `backendts init_project [--set key=value ...]`: runs each active app's
 * `initFunc(config)` in config order, once the database is known to answer.
 *
 * An init function reads its input from the config it gets: `config.init`
 * holds config.ini's `[init]` section, overridden by `--set key=value`
 * (`--set section.key=value` sets another section). A key left empty in
 * `[init]` is asked for at the terminal, or is an error when there is none.
 */
import { getDbEngine } from '../../runtime/db/engine.js';
import { describeTarget, readDatabaseSettings } from '../../runtime/db/settings.js';
import { loadConfig, type Config, type ConfigSection } from '../../runtime/project/config.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { loadApps } from '../../runtime/project/apps.js';
import type { Output } from '../output.js';
import type { ProjectContext } from '../prepare.js';
import { ask } from '../prompt.js';

/** Options of `init_project`. */
export interface InitProjectOptions {
  /** `--set` values: one `key=value` text or a list of them. */
  set?: unknown;
}

/** Section that `--set key=value` (without a dot) writes into. */
export const INIT_SECTION = 'init';

const SECRET_KEY = /pass|secret|token|key$/i;

/** Runs the init functions; resolves to the exit code. */
export async function initProject(project: ProjectContext, options: InitProjectOptions, output: Output): Promise<number> {
  const { config: fileConfig, file } = loadConfig(project.projectDir, { env: project.env });
  const config = applySets(fileConfig, options.set);
  await fillMissing(config, file);

  const settings = readDatabaseSettings(config, { projectDir: project.projectDir, configFile: file });
  output.info(`checking ${describeTarget(settings.target)}…`);
  // Opened and closed again: each init function opens its own engine, and the embedded one allows one at a time.
  const engine = await getDbEngine(settings);
  await engine.close();

  const apps = await loadApps(project.projectDir, config, file);
  const withInit = apps.filter((loaded) => loaded.app.initFunc !== undefined);
  if (withInit.length === 0) {
    output.info('no active app has an initFunc: nothing to do');
    return 0;
  }
  for (const loaded of withInit) {
    output.info(`app "${loaded.name}": running its initFunc…`);
    try {
      await loaded.app.initFunc!(config);
    } catch (error) {
      if (error instanceof BackendtsError) throw error;
      throw new BackendtsError('BT_INIT_FAILED', `app "${loaded.name}": its initFunc failed: ${(error as Error)?.message ?? String(error)}`, {
        hint: 'the apps listed before it have run; fix the error and run init_project again (keep init functions safe to re-run)',
        cause: error,
      });
    }
  }
  output.info(`done: ${withInit.length} app${withInit.length === 1 ? '' : 's'} initialised`);
  return 0;
}

/** A copy of the config with the `--set` values written in. */
function applySets(config: Config, set: unknown): Config {
  const result: Config = { ...config };
  const items = set === undefined ? [] : Array.isArray(set) ? set : [set];
  for (const item of items) {
    const match = typeof item === 'string' ? /^([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?=(.*)$/s.exec(item) : null;
    if (!match) {
      throw new BackendtsError('BT_CLI_OPTION', `--set ${String(item)} is not key=value`, {
        hint: 'write --set admin_username=alice (into [init]) or --set accounts.admin_username=alice (into [accounts])',
      });
    }
    const [section, key] = match[2] === undefined ? [INIT_SECTION, match[1]!] : [match[1]!, match[2]];
    result[section] = { ...(result[section] ?? {}), [key]: match[3]! } satisfies ConfigSection;
  }
  return result;
}

/** Asks for each `[init]` key left empty; without a terminal, fails naming them. */
async function fillMissing(config: Config, file: string): Promise<void> {
  const section = config[INIT_SECTION];
  if (!section) return;
  const missing = Object.keys(section).filter((key) => section[key] === '');
  if (missing.length === 0) return;
  if (!process.stdin.isTTY) {
    throw new BackendtsError('BT_INIT_VALUE_MISSING', `${file} [${INIT_SECTION}] leaves ${missing.join(', ')} empty and there is no terminal to ask`, {
      hint: `give ${missing.length === 1 ? 'it' : 'them'} on the command line: ${missing.map((key) => `--set ${key}=...`).join(' ')}`,
    });
  }
  for (const key of missing) section[key] = await ask(`${key}: `, SECRET_KEY.test(key));
}
