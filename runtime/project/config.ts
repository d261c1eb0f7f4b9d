/**
 * Reads a project's config.ini (or config.<env>.ini when BACKENDTS_ENV is set)
 * with the `ini` package. Two things are added on top of plain INI, as in
 * Backendpy's config files:
 * - a key followed by indented lines is a list (`active =` then one app a line);
 * - `${NAME}` (or `${NAME:-default}`) in a value is read from the environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'ini';
import { BackendtsError } from '../core/errors.js';
import type { Config, ConfigSection, ConfigValue } from '../core/config-types.js';
import { checkConfigSections, type ConfigLines } from './settings-table.js';

export { configList } from '../core/setting-values.js';
export type { Config, ConfigSection, ConfigValue } from '../core/config-types.js';

/** Environment variable that selects `config.<env>.ini`. */
export const CONFIG_ENV_VAR = 'BACKENDTS_ENV';

/** Environment variable the CLI sets to the project folder. */
export const PROJECT_DIR_ENV_VAR = 'BACKENDTS_PROJECT_DIR';

/** The project folder when none is given: `BACKENDTS_PROJECT_DIR` (set by the CLI), else the current folder. */
export function defaultProjectDir(): string {
  return process.env[PROJECT_DIR_ENV_VAR] || process.cwd();
}

/** The config file name for an environment name (`undefined` → config.ini). */
export function configFileName(env: string | undefined): string {
  return env ? `config.${env}.ini` : 'config.ini';
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Environment name; defaults to `process.env.BACKENDTS_ENV`. */
  env?: string | undefined;
  /** Variables for `${NAME}`; defaults to `process.env`. */
  environment?: NodeJS.ProcessEnv;
}

/** The config read from a project, and the file it came from. */
export interface LoadedConfig {
  config: Config;
  file: string;
}

/** Finds and parses the project's config file; fails naming the file when it is missing or malformed. */
export function loadConfig(projectDir: string, options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? (process.env[CONFIG_ENV_VAR] || undefined);
  const file = path.join(projectDir, configFileName(env));
  if (!existsSync(file)) {
    throw new BackendtsError('BT_CONFIG_MISSING', `no ${path.basename(file)} in ${projectDir}`, {
      hint: env
        ? `create ${path.basename(file)} there, or unset ${CONFIG_ENV_VAR} (now "${env}") to use config.ini`
        : 'run the command from the project folder (or pass --project <dir>), or create config.ini there',
    });
  }
  const text = readFileSync(file, 'utf8');
  return { config: parseConfig(text, file, options.environment ?? process.env), file };
}

/**
 * Parses config text; `file` is only used in error messages. A key the
 * framework does not know in one of its sections, or a section named one or
 * two letters from one of them, fails naming the line and the closest name.
 */
export function parseConfig(text: string, file: string, environment: NodeJS.ProcessEnv = process.env): Config {
  const { normalized, lines } = normalizeLists(text, file);
  const raw = parse(normalized) as Record<string, unknown>;
  const config: Config = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BackendtsError('BT_CONFIG_PARSE', `${file}: "${name}" is set outside of any [section]`, {
        hint: 'put every setting under a section header such as [database]',
      });
    }
    const section: ConfigSection = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      section[key] = substitute(item as ConfigValue, { file, section: name, key, environment });
    }
    config[name] = section;
  }
  checkConfigSections(config, file, lines);
  return config;
}

const SECTION = /^\[([^\]]+)\]\s*$/;
const ENTRY = /^([^=\s][^=]*?)\s*=\s*(.*)$/;

/**
 * Checks every line and rewrites indented continuation lines into the `ini`
 * package's array form (`key[] = item`), so a list keeps its order. Notes
 * the line of each section and key, for messages.
 */
function normalizeLists(text: string, file: string): { normalized: string; lines: ConfigLines } {
  const out: string[] = [];
  const found = new Map<string, number>();
  let section = '';
  let currentKey: string | undefined;
  let pendingFirst: string | undefined;
  let inSection = false;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) {
      out.push('');
      return;
    }
    const indented = /^\s/.test(line);
    if (indented && currentKey !== undefined) {
      if (pendingFirst !== undefined) {
        // The first line of the list may stand on the key's own line.
        out[out.length - 1] = pendingFirst === '' ? '' : `${currentKey}[] = ${quote(pendingFirst)}`;
        pendingFirst = undefined;
      }
      out.push(`${currentKey}[] = ${quote(trimmed)}`);
      return;
    }
    if (trimmed.startsWith('[')) {
      if (!SECTION.test(trimmed)) {
        throw new BackendtsError('BT_CONFIG_PARSE', `${file}:${lineNo}: malformed section header "${trimmed}"`, {
          hint: 'a section header looks like [database]',
        });
      }
      inSection = true;
      section = SECTION.exec(trimmed)![1]!.trim();
      if (!found.has(section)) found.set(section, lineNo);
      currentKey = undefined;
      pendingFirst = undefined;
      out.push(trimmed);
      return;
    }
    const entry = ENTRY.exec(trimmed);
    if (!entry || indented) {
      throw new BackendtsError('BT_CONFIG_PARSE', `${file}:${lineNo}: cannot read "${trimmed}"`, {
        hint: 'each setting is "key = value"; list items go on indented lines below "key ="',
      });
    }
    if (!inSection) {
      throw new BackendtsError('BT_CONFIG_PARSE', `${file}:${lineNo}: "${entry[1]}" is set outside of any [section]`, {
        hint: 'put every setting under a section header such as [database]',
      });
    }
    currentKey = entry[1]!;
    pendingFirst = entry[2]!;
    found.set(`${section}\n${currentKey}`, lineNo);
    out.push(`${currentKey} = ${quote(entry[2]!)}`);
  });
  return { normalized: out.join('\n'), lines: (name, key) => found.get(key === undefined ? name : `${name}\n${key}`) };
}

/** Quotes a value so `ini` keeps it verbatim (`;`, `#` and `=` included). */
function quote(value: string): string {
  if (value === '' || value === 'true' || value === 'false') return value;
  return JSON.stringify(value);
}

interface Where {
  file: string;
  section: string;
  key: string;
  environment: NodeJS.ProcessEnv;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function substitute(value: ConfigValue, where: Where): ConfigValue {
  if (Array.isArray(value)) return value.map((item) => substitute(item, where) as string);
  if (typeof value !== 'string') return value;
  return value.replace(VARIABLE, (_match, name: string, fallback: string | undefined) => {
    const found = where.environment[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new BackendtsError(
      'BT_CONFIG_ENV',
      `${where.file}: [${where.section}] ${where.key} uses \${${name}}, but ${name} is not set in the environment`,
      { hint: `set ${name}, or write \${${name}:-default} to give a default` },
    );
  });
}
