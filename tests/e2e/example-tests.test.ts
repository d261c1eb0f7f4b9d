/**
 * The example project's own tests (fixtures/example/tests, written with
 * backendts/testing), run as its user runs them: `vitest run` inside a copy
 * of the project, on the embedded database (config.test.ini) and on
 * PostgreSQL (config.pg.ini). A failing example test fails this one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { show } from '../support/cli.js';
import { assertBuilt, runCliOk, runProjectTests } from './support/cli.js';
import { queryPostgres, uniqueDatabaseName } from './support/databases.js';
import { copyFixture, DRIVERS, E2E_TIMEOUT, removeDir, type Driver } from './support/projects.js';

/** What vitest's json reporter writes, as far as these tests read it. */
interface VitestReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string }[];
}

let projectDir = '';

beforeAll(async () => {
  assertBuilt();
  projectDir = copyFixture('example');
  // As its user would have: the generated schema types db_session() (and stops the startup warning).
  await runCliOk(['codegen'], { cwd: projectDir });
});

afterAll(() => removeDir(projectDir));

describe.each(DRIVERS)("the example's own tests on %s", { timeout: E2E_TIMEOUT }, (driver: Driver) => {
  it('pass, each test file on a database of its own that is removed afterwards', async () => {
    const base = uniqueDatabaseName('bt_example');
    const env = driver === 'postgres' ? { BACKENDTS_ENV: 'pg', BACKENDTS_EXAMPLE_DB: base } : {};
    const report = path.join(projectDir, `report-${driver}.json`);
    const result = await runProjectTests({ cwd: projectDir, env, args: ['--reporter=default', '--reporter=json', `--outputFile.json=${report}`] });
    expect(result.code, show(result)).toBe(0);

    const { numTotalTests, numPassedTests, numFailedTests, testResults } = JSON.parse(readFileSync(report, 'utf8')) as VitestReport;
    expect(testResults.map((file) => path.basename(file.name)).sort()).toEqual(['accounts.test.ts', 'blog.test.ts']);
    expect(numFailedTests).toBe(0);
    expect(numPassedTests).toBe(numTotalTests);
    expect(numTotalTests).toBeGreaterThan(10);

    if (driver === 'postgres') {
      const left = await queryPostgres<{ datname: string }>('postgres', 'select datname from pg_database where datname like $1', [`${base}%`]);
      expect(left).toEqual([]);
    } else {
      expect(readdirSync(path.join(projectDir, '.backendts')).filter((name) => name.startsWith('test-db-'))).toEqual([]);
    }
  });
});
