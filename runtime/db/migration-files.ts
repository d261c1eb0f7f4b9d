/**
 * The project's versioned migrations, as files: `migrations/<NNNN>_<name>.sql`
 * beside config.ini, applied in the order of their numbers. Read by the
 * server at start-up (which migrations the database lacks) and by the
 * `makemigrations`, `migrate` and `showmigrations` commands.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Folder of the migrations, inside the project. */
export const MIGRATIONS_DIR = 'migrations';

/** A migration file's name: four digits, `_`, a name of lower-case letters, digits and `_`, `.sql`. */
export const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The names (`0002_add_posts`, without `.sql`) of the project's migrations, in order; empty without the folder. */
export function migrationNames(projectDir: string): string[] {
  const folder = path.join(projectDir, MIGRATIONS_DIR);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => MIGRATION_FILE.test(file))
    .sort()
    .map((file) => file.slice(0, -'.sql'.length));
}
