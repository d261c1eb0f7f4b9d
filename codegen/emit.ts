/**
 * Renders the generated files from a collected schema. Pure text: the same
 * collection always gives the same bytes, whatever the machine or folder.
 */
import path from 'node:path';
import type { CollectedEntry, CollectedSchema } from './collect.js';
import { GENERATED_DIR, GENERATED_HEADER, type GeneratedFileName } from '../runtime/project/generated-files.js';

export { GENERATED_DIR, GENERATED_FILES, GENERATED_HEADER, readHeaderHash, type GeneratedFileName } from '../runtime/project/generated-files.js';

/** The two header lines: the warning and the hash of what was collected. */
function header(hash: string, purpose: string): string {
  return `${GENERATED_HEADER}\n// hash: ${hash}\n// ${purpose}\n`;
}

/**
 * How schema.ts imports a model module: a package specifier stays as the app
 * wrote it; a file gets a relative path with the `.js` extension TypeScript's
 * NodeNext resolution expects (`models.ts` → `models.js`), which tsx, vite
 * and tsc all accept.
 */
export function moduleSpecifier(projectDir: string, entry: Pick<CollectedEntry, 'file' | 'modelPath'>): string {
  if (!entry.modelPath.startsWith('.') && !path.isAbsolute(entry.modelPath)) return entry.modelPath;
  const from = path.join(projectDir, GENERATED_DIR);
  let relative = path.relative(from, entry.file).split(path.sep).join('/');
  if (!relative.startsWith('.')) relative = `./${relative}`;
  return relative.replace(/\.(m|c)?tsx?$/, (_match, flavour: string | undefined) => `.${flavour ?? ''}js`);
}

/** `.backendts/schema.ts`: re-exports every collected object under its unique name. */
export function renderSchemaModule(collected: Pick<CollectedSchema, 'projectDir' | 'entries' | 'hash'>): string {
  const byModule = new Map<string, string[]>();
  for (const entry of collected.entries) {
    const specifier = moduleSpecifier(collected.projectDir, entry);
    const names = byModule.get(specifier) ?? [];
    names.push(entry.name === entry.exportName ? entry.name : `${entry.exportName} as ${entry.name}`);
    byModule.set(specifier, names);
  }
  const lines = [
    header(collected.hash, "The project's Drizzle schema: every object the active apps' model modules export."),
  ];
  for (const [specifier, names] of byModule) {
    lines.push(`export {\n${names.map((name) => `  ${name},\n`).join('')}} from ${JSON.stringify(specifier)};\n`);
  }
  return lines.join('\n');
}

/** `.backendts/types.d.ts`: types `db_session()` and `getDbSession()` with the schema. */
export function renderTypes(collected: Pick<CollectedSchema, 'hash'>): string {
  return (
    header(collected.hash, "Types the request's db_session() (and getDbSession()) with the project's schema.") +
    `import type * as schema from './schema.js';

declare module 'backendts/db' {
  interface Register {
    schema: typeof schema;
  }
}
`
  );
}

/**
 * `.backendts/drizzle.config.ts`: drizzle-kit's config for this project, so
 * `drizzle-kit studio` and `generate` see the same schema. Credentials are
 * read from config.ini when drizzle-kit loads it, so no secret is written.
 */
export function renderDrizzleConfig(collected: Pick<CollectedSchema, 'hash'>): string {
  return (
    header(collected.hash, 'drizzle-kit config: npx drizzle-kit studio --config .backendts/drizzle.config.ts') +
    `import { drizzleKitConfig } from 'backendts/codegen';

export default drizzleKitConfig(import.meta.url);
`
  );
}

/** Every generated file's content, by name. */
export function renderFiles(collected: Pick<CollectedSchema, 'projectDir' | 'entries' | 'hash'>): Record<GeneratedFileName, string> {
  return {
    'schema.ts': renderSchemaModule(collected),
    'types.d.ts': renderTypes(collected),
    'drizzle.config.ts': renderDrizzleConfig(collected),
  };
}
