/**
 * The raw DDL limit of create_db: the statements it plans for an empty
 * database, run by `psql -1 -f` (one transaction, nothing else) into a fresh
 * one. What create_db adds on top of that is its own cost: loading the
 * models, planning, and its bookkeeping.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BACKENDTS_CLI } from './contenders.mjs';

const PLANNED = /^\d+ statements? planned$/;
const DRY_RUN_END = 'dry run: nothing was changed';

/**
 * Writes the SQL that `backendts create_db --dry-run` plans for the empty
 * database at `url` into `<projectDir>/raw-ddl.sql`; returns the file and the
 * number of statements.
 */
export function writePlannedDdl(projectDir, url) {
  const output = execFileSync(process.execPath, [BACKENDTS_CLI, 'create_db', '--dry-run', '--project', projectDir], {
    cwd: projectDir,
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const lines = output.split('\n');
  const start = lines.findIndex((line) => PLANNED.test(line));
  const end = lines.indexOf(DRY_RUN_END);
  if (start === -1 || end <= start) throw new Error(`create_db --dry-run printed no plan (start ${start}, end ${end}):\n${output.slice(-600)}`);
  const sql = lines.slice(start + 1, end).join('\n');
  const file = path.join(projectDir, 'raw-ddl.sql');
  writeFileSync(file, `${sql}\n`);
  return { file, statements: Number(lines[start].split(' ')[0]) };
}

/** The `psql` arguments that run `file` into the database at `url` as one transaction, stopping at the first error. */
export function psqlArgs(url, file) {
  return ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-f', file, url];
}
