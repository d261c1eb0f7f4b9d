/** `backendts run` on PostgreSQL: one process and --workers, graceful stop, startup failure. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, copyFixture, removeDir, runCli, show } from './support/cli.js';
import { dropDatabase, postgresUrl, queryPostgres, uniqueDatabaseName } from './support/postgres.js';
import { request, startServer } from './support/server.js';

describe('run on PostgreSQL', () => {
  let projectDir: string;
  let database: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    assertBuilt();
    projectDir = copyFixture('project');
    database = uniqueDatabaseName('run');
    env = { DATABASE_URL: postgresUrl(database) };
    const created = await runCli(['create_db'], { cwd: projectDir, env });
    if (created.code !== 0) throw new Error(show(created));
    await queryPostgres(database, `insert into products (name) values ('Lamp')`);
  });

  afterAll(async () => {
    await dropDatabase(database);
    removeDir(projectDir);
  });

  it('serves the project and exits 0 on SIGTERM', async () => {
    const server = await startServer(['--port', '0'], projectDir, env);
    try {
      const response = await request(`${server.url}/products`);
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject([{ name: 'Lamp' }]);
    } finally {
      server.child.kill('SIGTERM');
    }
    const exit = await server.exit;
    expect(exit.code, show(exit)).toBe(0);
  });

  it('serves with --workers 2 on one port and stops every worker on SIGTERM', async () => {
    const server = await startServer(['--port', '0', '--workers', '2'], projectDir, env);
    try {
      expect(server.child.stdout).toBeTruthy();
      const responses = await Promise.all(Array.from({ length: 6 }, () => request(`${server.url}/products`)));
      for (const response of responses) expect(response.status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
    }
    const exit = await server.exit;
    expect(exit.code, show(exit)).toBe(0);
    expect(exit.stdout).toContain('with 2 workers');
  });

  it('fails with one line and exit 1 when the database is unreachable at startup', async () => {
    const result = await runCli(['run', '--port', '0'], { cwd: projectDir, env: { DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/shop' } });
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toMatch(/BT_DB_UNREACHABLE.*127\.0\.0\.1:1/);
    expect(result.stdout + result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
