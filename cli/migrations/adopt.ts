/**
 * A database that create_db pushed (or that holds tables some other way)
 * meeting the project's migrations for the first time: no migration is
 * recorded, yet the tables are there. When its schema already is what a
 * migration leaves, that migration and those before it are recorded as
 * applied without running (Django's `--fake-initial`); otherwise it is an
 * error, since running them would fail or duplicate what is there.
 *
 * Matching is judged as create_db judges "up to date": the snapshot it
 * stored, while the catalog fingerprint says nobody changed the database
 * since; else a live comparison of the models with the catalog, when the
 * last migration holds the models.
 */
import { collectSchema, type CollectedSchema } from '../../codegen/collect.js';
import { readColumnCasing } from '../../runtime/db/casing.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { catalogFingerprint } from '../create-db/catalog-fingerprint.js';
import { modelsFingerprint, modelsSnapshot } from '../create-db/fingerprint.js';
import { kitSchema } from '../create-db/kit-schema.js';
import { planPush } from '../create-db/plan.js';
import { readSchemaState, STATE_TABLE } from '../create-db/schema-state.js';
import { sqlLiteral } from '../create-db/sql-literal.js';
import type { ProjectContext } from '../prepare.js';
import { readSnapshot, type MigrationFile } from './folder.js';
import type { MigrationRunner } from './session.js';

/** The migrations a database without a record already holds: none when it is empty. `collected`: the models, if the caller has them. */
export async function alreadyHeld(
  runner: MigrationRunner,
  project: ProjectContext,
  migrations: readonly MigrationFile[],
  where: string,
  collected?: CollectedSchema,
): Promise<MigrationFile[]> {
  collected ??= await collectSchema({ projectDir: project.projectDir, env: project.env });
  const { imports, schemaNames } = kitSchema(collected.schema);
  const names = schemaNames.map(sqlLiteral).join(', ');
  const [row] = await runner.query(
    `select to_regclass('${STATE_TABLE}') is not null as pushed,
       exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in (${names}) and c.relkind in ('r', 'p', 'v', 'm')) as used`,
  );
  if (!row?.pushed && !row?.used) return [];

  const snapshots = migrations.map((migration) => JSON.stringify(readSnapshot(project.projectDir, migration.name)));
  const stored = row.pushed ? await readSchemaState(runner) : undefined;
  if (stored !== undefined && stored.catalog === (await catalogFingerprint(runner, schemaNames))) {
    for (let index = migrations.length - 1; index >= 0; index--) {
      if (modelsFingerprint(JSON.parse(snapshots[index]!) as Record<string, unknown>, schemaNames) === stored.models) return migrations.slice(0, index + 1);
    }
  }
  const casing = readColumnCasing(collected.config, collected.configFile);
  const models = await modelsSnapshot(imports, schemaNames, casing);
  if (snapshots.at(-1) === JSON.stringify(models)) {
    const plan = await planPush(imports, models, schemaNames, runner, { target: where, casing });
    if (plan.statements.length === 0) return [...migrations];
  }
  const last = migrations.at(-1)!;
  throw new BackendtsError(
    'BT_MIGRATE_UNRECORDED',
    `${where} already holds tables but no migration is recorded in it, and its schema is not what any migration leaves (checked up to ${last.name})`,
    {
      hint:
        'bring the database to the models first (move migrations/ aside, run backendts create_db, put it back), make sure the last migration holds the models ' +
        '(backendts makemigrations), then run migrate again: the migrations are then recorded as applied; or migrate an empty database',
    },
  );
}
