/**
 * Every code block of README.md and docs/*.md is checked, so the docs cannot
 * drift from the code (tests/docs/support/blocks.ts says how a block asks
 * for its check): ```ts blocks type-check in one program as files of a new
 * project, ```ini blocks are read by the framework's config parser and
 * validators, ```sh / ```bash blocks (and the commands of ```text
 * transcripts) use only existing `backendts` commands and flags, ```json
 * blocks parse. A block left unchecked is marked
 * so, and counted here.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli.js';
import { allBlocks, blocksOf, LANGUAGES, placeOf, type DocBlock } from './support/blocks.js';
import { iniProblem } from './support/ini-blocks.js';
import { shellProblems } from './support/sh-blocks.js';
import { typeErrors, writeBlockProject } from './support/ts-blocks.js';

/** Blocks marked `<!-- check: skip: why -->`: changing this number is a decision, seen in review. */
const SKIPPED = 7;

/**
 * A document with a wrong name in each kind of block (and a wrong value),
 * checked with the real ones: the checks must find exactly these mistakes.
 */
const WRONG = blocksOf(
  'wrong-names.md',
  [
    '```ts',
    "import { Sucess } from 'backendts';",
    '```',
    '<!-- check: context http -->',
    '```ts',
    "routes.gett('/x', () => new Success(1));",
    '```',
    '```ini',
    '[networking]',
    'prot = 8000',
    '```',
    '```sh',
    'backendts run --prot 8000',
    'backendts create_dbb',
    '```',
    '```ini',
    '[networking]',
    'port = eighty',
    '```',
    '```text',
    '$ backendts showmigration',
    'backendts is not typed here: --not-a-flag',
    '```',
  ].join('\n'),
);

const blocks = allBlocks();
const checked = (language: string[]) => blocks.filter((block) => language.includes(block.language) && block.check.kind !== 'skip');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the code blocks of the docs', () => {
  it('are each in a language the checks know', () => {
    const unknown = blocks.filter((block) => !(LANGUAGES as readonly string[]).includes(block.language));
    expect(unknown.map((block) => `${placeOf(block)} \`\`\`${block.language}`)).toEqual([]);
  });

  it('type-check: every ```ts block, as files of one new project, in one program', { timeout: 120_000 }, async () => {
    assertBuilt();
    const ts = checked(['ts']);
    expect(ts.length).toBeGreaterThan(40);
    const { dir, written, generated } = await writeBlockProject([...ts, ...WRONG.filter((block) => block.language === 'ts')]);
    dirs.push(dir);
    const errors = typeErrors(dir, written, generated);
    expect(errors.filter((error) => !error.startsWith('wrong-names.md'))).toEqual([]);
    expect(errors).toEqual([
      expect.stringMatching(/^wrong-names\.md:2 .*has no exported member named 'Sucess'/),
      expect.stringMatching(/^wrong-names\.md:6 Property 'gett' does not exist on type 'Routes'/),
    ]);
  });

  it('read as config.ini: every ```ini block, by the config parser and validators', () => {
    const ini = checked(['ini']);
    expect(ini.length).toBeGreaterThan(5);
    expect(ini.map(iniProblem).filter(Boolean)).toEqual([]);
    expect(WRONG.filter((block) => block.language === 'ini').map(iniProblem)).toEqual([
      'wrong-names.md:10: [networking] has no setting "prot"',
      'wrong-names.md [networking] port: "eighty" is not a port number',
    ]);
  });

  it('run existing commands with existing flags: every backendts line of ```sh and ```bash blocks and ```text transcripts', () => {
    const sh = checked(['sh', 'bash', 'text']);
    const results = sh.map(shellProblems);
    expect(results.flatMap((result) => result.problems)).toEqual([]);
    expect(results.reduce((sum, result) => sum + result.invocations, 0)).toBeGreaterThan(40);
    expect(WRONG.filter((block) => ['sh', 'text'].includes(block.language)).flatMap((block) => shellProblems(block).problems)).toEqual([
      expect.stringMatching(/^wrong-names\.md:13 run has no flag --prot/),
      expect.stringMatching(/^wrong-names\.md:14 unknown command "create_dbb"/),
      expect.stringMatching(/^wrong-names\.md:21 unknown command "showmigration"/),
    ]);
  });

  it('parse: every ```json block', () => {
    const problems = checked(['json']).flatMap((block: DocBlock) => {
      try {
        JSON.parse(block.source);
        return [];
      } catch (error) {
        return [`${placeOf(block)} ${(error as Error).message}`];
      }
    });
    expect(problems).toEqual([]);
  });

  it(`leave unchecked only the ${SKIPPED} blocks marked skip`, () => {
    const skipped = blocks.filter((block) => block.check.kind === 'skip');
    expect(skipped.map((block) => `${placeOf(block)} ${block.check.kind === 'skip' ? block.check.why : ''}`)).toHaveLength(SKIPPED);
  });
});
