/**
 * The command's output through a pipe, as `backendts create_db --dry-run |
 * less` or a parent process reads it: a slow reader still gets the whole
 * plan (writes to a full pipe used to be dropped by the exit), and a reader
 * that leaves early (`| head`) neither crashes the command nor changes its
 * exit code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, finished, removeDir, show, spawnCli, tempDir, linkDependencies } from './support/cli.js';
import { dropDatabase, postgresUrl, queryPostgres, uniqueDatabaseName } from './support/postgres.js';

const TABLES = 250;

/** Models whose creation plan is about 150 KB of SQL: more than twice what a pipe holds (64 KB). */
function wideModels(): string {
  const columns = Array.from({ length: 12 }, (_, c) => `    column_${c}: text('column_${c}').default('value ${c}').notNull(),`).join('\n');
  const tables = Array.from(
    { length: TABLES },
    (_, t) => `export const wide${t} = pgTable('wide_table_${t}', {\n    id: integer('id').primaryKey(),\n${columns}\n});`,
  );
  return `import { integer, pgTable, text } from 'drizzle-orm/pg-core';\n\n${tables.join('\n\n')}\n`;
}

describe('output through a pipe', () => {
  let projectDir: string;
  const database = uniqueDatabaseName('piped');
  const env = { DATABASE_URL: postgresUrl(database) };

  beforeAll(async () => {
    assertBuilt();
    projectDir = tempDir('piped');
    linkDependencies(projectDir);
    mkdirSync(path.join(projectDir, 'apps/wide'), { recursive: true });
    writeFileSync(path.join(projectDir, 'config.ini'), '[apps]\nactive =\n    apps/wide\n');
    writeFileSync(
      path.join(projectDir, 'main.ts'),
      "import { Backendts } from 'backendts';\nimport { setDatabaseHooks } from 'backendts/db';\n\nexport const bp = new Backendts({ projectDir: import.meta.dirname });\nsetDatabaseHooks(bp);\n",
    );
    writeFileSync(path.join(projectDir, 'apps/wide/main.ts'), "import { App } from 'backendts';\n\nexport const app = new App({ models: ['./models'] });\n");
    writeFileSync(path.join(projectDir, 'apps/wide/models.ts'), wideModels());
    await queryPostgres('postgres', `create database "${database}"`);
  });

  afterAll(async () => {
    await dropDatabase(database);
    removeDir(projectDir);
  });

  it('gives a slow reader the whole plan of create_db --dry-run', async () => {
    const child = spawnCli(['create_db', '--dry-run'], { cwd: projectDir, env });
    // Read a chunk, then wait before the next: the pipe fills and the command's writes queue up.
    child.stdout!.on('data', () => {
      child.stdout!.pause();
      setTimeout(() => child.stdout!.resume(), 150);
    });
    const result = await finished(child);
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(2 * 65_536);
    expect(result.stdout.match(/^CREATE TABLE /gm)).toHaveLength(TABLES);
    expect(result.stdout.trimEnd().split('\n').slice(-2)[0]).toBe('dry run: nothing was changed');
  });

  it('goes on to its end, exit code 0, when the reader closes the pipe early', async () => {
    const child = spawnCli(['create_db', '--dry-run'], { cwd: projectDir, env });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.once('data', () => child.stdout!.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
    expect(stderr).not.toContain('EPIPE');
    expect(code, stderr).toBe(0);
  });
});
