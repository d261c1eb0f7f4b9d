/**
 * create_db without loading the models: after a push, a run whose recorded
 * sources (the loaded files, the environment variables read, the settings)
 * and catalog are unchanged ends at once; any change to one of them, a
 * helper module a model imports included, loads the models again. Every run
 * is the built command: only a real Node process records what it loads.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNCHANGED_SOURCES } from '../../cli/create-db/sources-check.js';
import { assertBuilt, copyFixture, removeDir, runCli, show, tempDir, type CliResult } from './support/cli.js';
import { columnsOf, type Inspector } from './support/inspect.js';
import { writeModels } from './support/models.js';
import { driverLabel, suiteDatabase, type SuiteDatabase } from './support/suite-database.js';

/** A column helper in a module of its own: the models import it, create_db never names it. */
const HELPER = `import { text } from 'drizzle-orm/pg-core';

export const described = () => ({ description: text('description') });
`;

const HELPER_WITH_SKU = `import { text } from 'drizzle-orm/pg-core';

export const described = () => ({ description: text('description'), sku: text('sku') });
`;

/** Models that import the helper and read an environment variable for a default. */
const MODELS = `import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { described } from './columns.js';

export const products = pgTable('products', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  currency: text('currency').notNull().default(process.env.STORE_CURRENCY ?? 'EUR'),
  ...described(),
});
`;

const loadedModels = (result: CliResult) => result.stdout.includes('collected ');

describe('create_db skips loading the models when nothing they are built from changed', { timeout: 240_000 }, () => {
  for (const driver of ['postgres', 'pglite'] as const) {
    describe(driverLabel(driver), () => {
      let projectDir: string;
      let target: SuiteDatabase;
      let env: Record<string, string>;
      let db: Inspector;
      const createDb = (extraEnv: Record<string, string> = {}, cwd = projectDir) =>
        runCli(['create_db', '--verbose'], { cwd, env: { ...env, ...extraEnv } });
      const expectSkipped = (result: CliResult) => {
        expect(result.code, show(result)).toBe(0);
        expect(result.stdout, show(result)).toContain(UNCHANGED_SOURCES);
        expect(loadedModels(result), show(result)).toBe(false);
      };
      const expectLoaded = (result: CliResult) => {
        expect(result.code, show(result)).toBe(0);
        expect(loadedModels(result), show(result)).toBe(true);
        expect(result.stdout).not.toContain(UNCHANGED_SOURCES);
      };
      const store = (file: string) => path.join(projectDir, 'apps/store/db', file);

      beforeAll(() => {
        assertBuilt();
        projectDir = copyFixture('project');
        writeFileSync(store('columns.ts'), HELPER);
        writeModels(projectDir, MODELS);
        target = suiteDatabase(driver, `sources_${driver}`, () => path.join(projectDir, '.backendts/db'));
        ({ env, db } = target);
      });

      afterAll(async () => {
        await target.drop();
        removeDir(projectDir);
      });

      it('ends at once on the run after a push, without loading the models', async () => {
        const first = await createDb();
        expectLoaded(first);
        expect(first.stdout).toContain('applied');
        expectSkipped(await createDb());
      });

      it('loads them again when a helper module a model imports changes, and applies the change', async () => {
        writeFileSync(store('columns.ts'), HELPER_WITH_SKU);
        const changed = await createDb();
        expectLoaded(changed);
        expect(changed.stdout).toContain('ALTER TABLE "products" ADD COLUMN "sku" text');
        expect(await db(columnsOf)).toContain('products.sku');
        expectSkipped(await createDb());
      });

      // The rest depends on no driver: on PostgreSQL only, where a run takes a second and not five.
      const onPostgres = (name: string, test: () => Promise<void>) => {
        if (driver === 'postgres') it(name, test);
      };

      onPostgres('loads them again when an environment variable a model read changes', async () => {
        const changed = await createDb({ STORE_CURRENCY: 'USD' });
        expectLoaded(changed);
        expect(changed.stdout).toContain(`ALTER TABLE "products" ALTER COLUMN "currency" SET DEFAULT 'USD'`);
        expectSkipped(await createDb({ STORE_CURRENCY: 'USD' }));
        // Unset again: the variable's absence was recorded too.
        expectLoaded(await createDb());
      });

      onPostgres('loads them again after an edit that changes no table, and records the new sources', async () => {
        writeFileSync(store('models.ts'), `// The store's tables.\n${readFileSync(store('models.ts'), 'utf8')}`);
        const edited = await createDb();
        expectLoaded(edited);
        expect(edited.stdout).toContain('up to date: neither the models nor the database changed since the last create_db');
        expectSkipped(await createDb());
      });

      onPostgres('loads them again when a setting or tsconfig.json changes, not for a comment in config.ini', async () => {
        const config = path.join(projectDir, 'config.ini');
        writeFileSync(config, `${readFileSync(config, 'utf8')}\n; a comment changes no setting\n`);
        expectSkipped(await createDb());
        writeFileSync(config, readFileSync(config, 'utf8').replace('host = 127.0.0.1', 'host = localhost'));
        expectLoaded(await createDb());
        expectSkipped(await createDb());
        writeFileSync(path.join(projectDir, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
        expectLoaded(await createDb());
        expectSkipped(await createDb());
      });

      it('compares with the database once it was changed by hand', async () => {
        await db((query) => query('alter table products alter column name drop not null'));
        const repaired = await createDb();
        expectLoaded(repaired);
        expect(repaired.stdout).toContain('comparing the models with the database (it was changed since the last create_db)');
        expect(repaired.stdout).toContain('ALTER TABLE "products" ALTER COLUMN "name" SET NOT NULL');
        expectSkipped(await createDb());
      });

      onPostgres('records the sources on a state table written before they were kept', async () => {
        await db((query) => query('alter table backendts.schema_state drop column sources'));
        const upgraded = await createDb();
        expectLoaded(upgraded);
        expect(upgraded.stdout).toContain('up to date: neither the models nor the database changed since the last create_db');
        expectSkipped(await createDb());
      });

      onPostgres('ends at once in a fresh checkout of the same sources (another folder, no .backendts/)', async () => {
        const checkout = tempDir('sources-checkout');
        try {
          cpSync(projectDir, checkout, { recursive: true, verbatimSymlinks: true, filter: (source) => !source.includes(`${path.sep}.backendts`) });
          expectSkipped(await createDb({}, checkout));
        } finally {
          removeDir(checkout);
        }
      });
    });
  }
});
