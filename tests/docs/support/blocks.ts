/**
 * The code blocks of the docs, and how each is to be checked. A block is
 * checked by its language (```ts type-checked, ```ini parsed and validated,
 * ```sh / ```bash command lines matched against the CLI, ```json parsed);
 * an HTML comment on the line right above its fence changes that:
 *
 * - `<!-- check: skip: why -->` leaves it unchecked (the tests count these);
 * - `<!-- check: context NAME -->` puts tests/docs/contexts/NAME.ts before a
 *   ```ts block: the names a fragment uses without showing where they come from;
 * - `<!-- check: in fixtures/NAME -->` type-checks a ```ts block that names
 *   its file as that file of the fixture project (its relative imports
 *   reach the fixture's modules);
 * - `<!-- check: standalone -->` type-checks a ```ts block that names its
 *   file as a module of its own, not a file of the document's project.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../support/cli.js';

/** How one block is checked. */
export type BlockCheck =
  | { kind: 'default' }
  | { kind: 'skip'; why: string }
  | { kind: 'context'; name: string }
  | { kind: 'in'; fixture: string }
  | { kind: 'standalone' };

/** One fenced block of a document. */
export interface DocBlock {
  /** The document, relative to the checkout (`docs/http.md`). */
  document: string;
  /** Line of the opening fence (1-based). */
  line: number;
  language: string;
  source: string;
  check: BlockCheck;
}

/** The languages a block may be written in: the checked ones and plain output (```text, ```sql, none). */
export const LANGUAGES = ['ts', 'ini', 'sh', 'bash', 'json', 'text', 'sql', ''] as const;

/** The documents whose blocks are checked: README.md and every docs/*.md. */
export function documents(): string[] {
  const docs = readdirSync(path.join(repoRoot, 'docs')).filter((name) => name.endsWith('.md')).sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

const MARKER = /^<!--\s*check:\s*(.*?)\s*-->$/;

/** Reads a marker's text; fails naming the place when it is not one of the forms above. */
function parseCheck(text: string, where: string): BlockCheck {
  let match: RegExpExecArray | null;
  if ((match = /^skip:\s*(\S.*)$/.exec(text))) return { kind: 'skip', why: match[1]! };
  if ((match = /^context ([\w-]+)$/.exec(text))) return { kind: 'context', name: match[1]! };
  if ((match = /^in (fixtures\/[\w/-]+)$/.exec(text))) return { kind: 'in', fixture: match[1]! };
  if (text === 'standalone') return { kind: 'standalone' };
  throw new Error(`${where}: unknown check marker "${text}" (skip: why | context NAME | in fixtures/NAME | standalone)`);
}

/** The fenced blocks of one document, with the check each asks for. */
export function blocksOf(document: string, markdown = readFileSync(path.join(repoRoot, document), 'utf8')): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const fence = /^```(\S*)\s*$/.exec(lines[index]!);
    if (!fence) continue;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !lines[index]!.startsWith('```'); index++) body.push(lines[index]!);
    const marker = MARKER.exec(lines[start - 1] ?? '');
    const where = `${document}:${start + 1}`;
    blocks.push({
      document,
      line: start + 1,
      language: fence[1]!,
      source: body.join('\n') + '\n',
      check: marker ? parseCheck(marker[1]!, where) : { kind: 'default' },
    });
  }
  return blocks;
}

/** Every block of every checked document. */
export function allBlocks(): DocBlock[] {
  return documents().flatMap((document) => blocksOf(document));
}

/** `docs/http.md:12`, for messages. */
export function placeOf(block: DocBlock, lineInBlock = 0): string {
  return `${block.document}:${block.line + lineInBlock}`;
}
