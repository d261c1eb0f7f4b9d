/** create_db on a real PostgreSQL server (127.0.0.1:5432), as a subprocess. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, removeDir, runCli, show } from './support/cli.js';
import { defineCreateDbSchemasSuite } from './support/create-db-schemas-suite.js';
import { defineCreateDbSuite } from './support/create-db-suite.js';
import { columnsOf, postgresInspector } from './support/inspect.js';
import { AMBIGUOUS, INITIAL, writeModels } from './support/models.js';
import { dropDatabase, postgresUrl, uniqueDatabaseName } from './support/postgres.js';

defineCreateDbSuite('postgres');

describe('create_db on PostgreSQL, at the edges', () => {
  let projectDir: string;
  const databases: string[] = [];
  const fresh = (prefix: string) => {
    const name = uniqueDatabaseName(prefix);
    databases.push(name);
    return name;
  };

  beforeAll(() => {
    projectDir = copyFixture('project');
  });

  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
    removeDir(projectDir);
  });

  it('lets two runs at once take turns: one creates the tables, the other finds them up to date', async () => {
    const database = fresh('race');
    const env = { DATABASE_URL: postgresUrl(database) };
    const results = await Promise.all([runCli(['create_db'], { cwd: projectDir, env }), runCli(['create_db'], { cwd: projectDir, env })]);
    for (const result of results) expect(result.code, show(result)).toBe(0);
    const applied = results.filter((result) => result.stdout.includes('applied'));
    const upToDate = results.filter((result) => result.stdout.includes('up to date'));
    expect(applied).toHaveLength(1);
    expect(upToDate).toHaveLength(1);
    expect(await postgresInspector(database)(columnsOf)).toContain('products.kind');
  });

  it('quotes the database name as an identifier', async () => {
    const database = fresh('Mixed Case');
    const result = await runCli(['create_db'], { cwd: projectDir, env: { DATABASE_URL: postgresUrl(encodeURIComponent(database)) } });
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain(`database "${database}" created`);
    expect(await postgresInspector(database)(columnsOf)).toContain('categories.name');
  });

  it('turns an ambiguous change (a rename?) into a clear error that changes nothing', async () => {
    const database = fresh('rename');
    const env = { DATABASE_URL: postgresUrl(database) };
    expect((await runCli(['create_db'], { cwd: projectDir, env })).code).toBe(0);
    writeModels(projectDir, AMBIGUOUS);
    try {
      const result = await runCli(['create_db'], { cwd: projectDir, env });
      expect(result.code, show(result)).toBe(1);
      expect(result.stderr).toMatch(/^error BT_CREATE_DB_AMBIGUOUS: .*could be a rename/m);
      expect(result.stderr).toMatch(/^hint: make the change in two runs/m);
      expect(result.stdout).not.toContain('Interactive prompts');
      expect(await postgresInspector(database)(columnsOf)).toContain('products.name');
    } finally {
      writeModels(projectDir, INITIAL);
    }
  });

  it('names host, port and database of an unreachable server, never the password, with no stack', async () => {
    const result = await runCli(['create_db'], { cwd: projectDir, env: { DATABASE_URL: 'postgres://postgres:s3cret-pw@127.0.0.1:1/nowhere' } });
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toMatch(/^error BT_DB_UNREACHABLE: cannot reach PostgreSQL database "nowhere" on 127\.0\.0\.1:1/m);
    expect(result.stderr).toMatch(/^hint: /m);
    expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});


defineCreateDbSchemasSuite('postgres');
