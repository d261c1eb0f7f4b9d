/**
 * Reads and writes the migrations folder:
 *
 *   migrations/0001_initial.sql            the SQL, statements separated by `--> statement-breakpoint`
 *   migrations/meta/0001_snapshot.json     drizzle-kit's snapshot of the models once 0001 is applied
 *
 * The snapshot of the last migration is what `makemigrations` compares the
 * models with; the SQL files are what `migrate` applies, checked against the
 * checksum recorded when each was applied.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BackendtsError } from '../../runtime/core/errors.js';
import { MIGRATIONS_DIR, migrationNames } from '../../runtime/db/migration-files.js';

/** Folder of the snapshots, inside the migrations folder. */
export const SNAPSHOTS_DIR = 'meta';

/** One migration file of the project. */
export interface MigrationFile {
  /** `0002_add_posts`. */
  name: string;
  /** 2. */
  number: number;
  /** Absolute path of the `.sql` file. */
  file: string;
  /** Its text. */
  sql: string;
  /** sha256 of the text with line endings made `\n` (a checkout that turns them to `\r\n` changes nothing). */
  checksum: string;
}

/** The migrations folder of a project. */
export function migrationsFolder(projectDir: string): string {
  return path.join(projectDir, MIGRATIONS_DIR);
}

/** True when the project has a migrations folder holding at least one migration. */
export function hasMigrations(projectDir: string): boolean {
  return migrationNames(projectDir).length > 0;
}

/** Every migration of the project, in order; two with one number are an error naming both. */
export function readMigrations(projectDir: string): MigrationFile[] {
  const folder = migrationsFolder(projectDir);
  const migrations = migrationNames(projectDir).map((name): MigrationFile => {
    const file = path.join(folder, `${name}.sql`);
    const sql = readFileSync(file, 'utf8');
    return { name, number: Number(name.slice(0, 4)), file, sql, checksum: checksumOf(sql) };
  });
  for (let index = 1; index < migrations.length; index++) {
    const [before, after] = [migrations[index - 1]!, migrations[index]!];
    if (before.number === after.number) {
      throw new BackendtsError('BT_MIGRATIONS_NUMBER_TAKEN', `${before.file} and ${after.file} have the same number`, {
        hint: 'two branches each added a migration: delete the newer one and its snapshot, then run backendts makemigrations again',
      });
    }
  }
  return migrations;
}

/** The checksum recorded for a migration's text. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** The snapshot file of a migration. */
export function snapshotFile(projectDir: string, name: string): string {
  return path.join(migrationsFolder(projectDir), SNAPSHOTS_DIR, `${name.slice(0, 4)}_snapshot.json`);
}

/** The snapshot of a migration; a missing or unreadable one is an error naming it. */
export function readSnapshot(projectDir: string, name: string): Record<string, unknown> {
  const file = snapshotFile(projectDir, name);
  if (!existsSync(file)) {
    throw new BackendtsError('BT_MIGRATIONS_SNAPSHOT', `migration ${name} has no snapshot: ${file} is missing`, {
      hint: 'restore it from version control; makemigrations compares the models with the last migration\'s snapshot',
    });
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new BackendtsError('BT_MIGRATIONS_SNAPSHOT', `${file} is not a readable snapshot: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'restore it from version control; snapshots are written by backendts makemigrations, never by hand',
      cause: error,
    });
  }
}

/** Writes a new migration and its snapshot; returns the two paths. */
export function writeMigration(projectDir: string, name: string, sql: string, snapshot: Record<string, unknown>): { sqlFile: string; snapshotFile: string } {
  const sqlFile = path.join(migrationsFolder(projectDir), `${name}.sql`);
  const jsonFile = snapshotFile(projectDir, name);
  mkdirSync(path.dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(snapshot, null, 2)}\n`);
  writeFileSync(sqlFile, sql);
  return { sqlFile, snapshotFile: jsonFile };
}
