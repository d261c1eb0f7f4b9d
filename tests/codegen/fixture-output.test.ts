/**
 * The three-app fixture keeps its generated `.backendts/` in the repository,
 * for the type tests. These tests keep that output honest, and check what an
 * editor infers in the fixture's own program: tsc over the project, as a
 * user's editor runs it, with `.backendts/types.d.ts` registering the schema.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { generate } from '../../codegen/index.js';
import { fixturePath, repoRoot } from './fixture-copy.js';

const run = promisify(execFile);
const projectDir = fixturePath('three-apps');

describe("the three-app fixture's generated files", () => {
  test('match what codegen generates now', async () => {
    const result = await generate({ projectDir, check: true });
    expect(result.files.map((file) => [path.basename(file.path), file.status])).toEqual([
      ['schema.ts', 'unchanged'],
      ['types.d.ts', 'unchanged'],
      ['drizzle.config.ts', 'unchanged'],
    ]);
  });

  test("type db_session() in the project's handlers: known tables and rows pass, unknown tables fail", async () => {
    // type-checks.ts asserts the inferred types and marks each expected rejection with @ts-expect-error.
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', path.join(projectDir, 'tsconfig.json')]).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });
});
