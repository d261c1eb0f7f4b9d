/**
 * `[database] extensions`: created before the push on PostgreSQL, loaded
 * into the embedded database; a first push that fails leaves no database
 * behind and says so. pgvector is not packaged for this PostgreSQL, so the
 * tests use contrib's citext and pg_trgm, and `vector` as the missing one.
 * The commands run in process, but for the missing PGlite extension: how
 * Node's own resolver answers an entry point a package does not export is
 * what is checked there, and the test runner resolves modules its own way.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, copyFixture, removeDir, runCli, runCliInProcess, show } from './support/cli.js';
import { pgliteInspector } from './support/inspect.js';
import { INITIAL, writeModels } from './support/models.js';
import { databaseExists, dropDatabase, postgresUrl, queryPostgres, uniqueDatabaseName } from './support/postgres.js';

/** The fixture's models plus a table with a citext column (a type from the citext extension). */
const WITH_CITEXT = `${INITIAL}
import { customType } from 'drizzle-orm/pg-core';
const citext = customType<{ data: string }>({ dataType: () => 'citext' });
export const emails = pgTable('emails', { id: integer('id').primaryKey(), address: citext('address').notNull() });
`;

describe('create_db with [database] extensions', { timeout: 180_000 }, () => {
  let projectDir: string;
  const databases: string[] = [];
  const fresh = () => {
    const name = uniqueDatabaseName('ext');
    databases.push(name);
    return name;
  };
  const setExtensions = (line: string) => {
    const file = path.join(projectDir, 'config.ini');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\[database\][^[]*$/, `[database]\n${line}\n`));
  };

  beforeAll(() => {
    assertBuilt();
    projectDir = copyFixture('project');
    writeModels(projectDir, WITH_CITEXT);
  });

  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
    removeDir(projectDir);
  });

  it('PostgreSQL: creates the listed extensions before the push, so their types can be used', async () => {
    setExtensions('extensions = citext, pg_trgm');
    const database = fresh();
    const result = await runCliInProcess(['create_db'], { cwd: projectDir, env: { DATABASE_URL: postgresUrl(database) } });
    expect(result.code, show(result)).toBe(0);
    const installed = await queryPostgres<{ extname: string }>(database, `select extname from pg_extension where extname in ('citext', 'pg_trgm') order by 1`);
    expect(installed.map((row) => row.extname)).toEqual(['citext', 'pg_trgm']);
    const [column] = await queryPostgres(database, `select udt_name from information_schema.columns where table_name = 'emails' and column_name = 'address'`);
    expect(column).toEqual({ udt_name: 'citext' });
    const again = await runCliInProcess(['create_db'], { cwd: projectDir, env: { DATABASE_URL: postgresUrl(database) } });
    expect(again.stdout, show(again)).toContain('up to date');
  });

  it('PostgreSQL: a type from an unlisted extension fails the first push, points at [database] extensions, and drops the new database', async () => {
    setExtensions('');
    const database = fresh();
    const result = await runCliInProcess(['create_db'], { cwd: projectDir, env: { DATABASE_URL: postgresUrl(database) } });
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toMatch(/^error BT_CREATE_DB_APPLY: .*type "citext" does not exist/m);
    expect(result.stderr).toContain(`database "${database}" was created by this run: it has been dropped again, nothing is left behind`);
    expect(result.stderr).toMatch(/^hint: .*list it in \[database\] extensions \(e\.g\. extensions = citext\)/m);
    expect(await databaseExists(database)).toBe(false);
  });

  it('PostgreSQL: an extension the server lacks is named, and the new database is dropped', async () => {
    setExtensions('extensions = citext, vector');
    const database = fresh();
    const result = await runCliInProcess(['create_db'], { cwd: projectDir, env: { DATABASE_URL: postgresUrl(database) } });
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toMatch(/^error BT_DB_EXTENSION_MISSING: .*cannot create the extension "vector" listed in \[database\] extensions/m);
    expect(result.stderr).toMatch(/^hint: install it on the database server/m);
    expect(await databaseExists(database)).toBe(false);
  });

  it('PostgreSQL: a dry run on a database it had to create leaves none behind', async () => {
    setExtensions('extensions = citext');
    const database = fresh();
    const result = await runCliInProcess(['create_db', '--dry-run'], { cwd: projectDir, env: { DATABASE_URL: postgresUrl(database) } });
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain('dry run: nothing was changed');
    expect(await databaseExists(database)).toBe(false);
  });

  it('embedded: loads the listed extensions PGlite ships, for create_db and for the database it leaves', async () => {
    setExtensions('extensions = citext, pg_trgm');
    const result = await runCliInProcess(['create_db'], { cwd: projectDir });
    expect(result.code, show(result)).toBe(0);
    // The inspector opens the folder without the extensions: reading the catalog needs none.
    const installed = await pgliteInspector(path.join(projectDir, '.backendts/db'))((query) =>
      query<{ extname: string }>(`select extname from pg_extension where extname in ('citext', 'pg_trgm') order by 1`),
    );
    expect(installed.map((row) => row.extname)).toEqual(['citext', 'pg_trgm']);
  });

  it('embedded: an extension PGlite does not ship is named, with the ones it does', async () => {
    removeDir(path.join(projectDir, '.backendts/db'));
    setExtensions('extensions = vector');
    const result = await runCli(['create_db'], { cwd: projectDir });
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toMatch(/^error BT_DB_EXTENSION_UNAVAILABLE: .*does not ship the extension "vector" listed in \[database\] extensions/m);
    expect(result.stderr).toMatch(/^hint: use PostgreSQL for it .*PGlite ships: .*pg_trgm/m);
    expect(existsSync(path.join(projectDir, '.backendts/db'))).toBe(false);
  });
});
