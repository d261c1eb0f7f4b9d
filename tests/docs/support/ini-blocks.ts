/**
 * Checks a ```ini block as the framework reads config.ini: parsed by its own
 * parser (an unknown setting or section is refused there), then every
 * framework section read with its validators, the database settings as a
 * whole too. `${NAME}` variables read a stand-in value.
 */
import { parseConfig } from '../../../runtime/project/config.js';
import { readSection, SETTINGS, type FrameworkSection } from '../../../runtime/project/settings-table.js';
import { readDatabaseSettings } from '../../../runtime/db/settings.js';
import type { DocBlock } from './blocks.js';

/** Every `${NAME}` is set (a password, a user): the docs show names, not values. */
const ENVIRONMENT: NodeJS.ProcessEnv = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? 'from-the-environment' : undefined) });

/** The framework's complaint about the block, or undefined when it reads it; lines are the document's. */
export function iniProblem(block: DocBlock): string | undefined {
  // The block's lines keep their place: messages name the document's line.
  const text = '\n'.repeat(block.line) + block.source;
  try {
    const config = parseConfig(text, block.document, ENVIRONMENT);
    for (const section of Object.keys(SETTINGS) as FrameworkSection[]) {
      if (config[section]) readSection(config, section, block.document);
    }
    if (config.database) readDatabaseSettings(config, { projectDir: '/project', configFile: block.document });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
