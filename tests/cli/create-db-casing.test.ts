/**
 * `[database] casing = snake_case` through the CLI (fixtures/db/casing), on
 * PostgreSQL and on the embedded database: codegen, create_db (in process)
 * and a request served by the built command all name the columns the same way.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drizzleKitConfig } from '../../codegen/drizzle-kit-config.js';
import { assertBuilt, linkDependencies, relocateProject, removeDir, repoRoot, runCliInProcess, show, tempDir } from './support/cli.js';
import { columnsOf, type Inspector } from './support/inspect.js';
import { request, startServer } from './support/server.js';
import { driverLabel, suiteDatabase, type SuiteDatabase } from './support/suite-database.js';

const COLUMNS = [
  'account_tags.account_id',
  'account_tags.tag_name',
  'accounts.id',
  'accounts.owner_name',
  'ledger_entries.account_id',
  'ledger_entries.base_amount',
  'ledger_entries.booked_at',
  'ledger_entries.entry_memo',
  'ledger_entries.external_ref',
  'ledger_entries.id',
  'ledger_entries.voucher_code',
];

for (const driver of ['postgres', 'pglite'] as const) {
  // The embedded database takes seconds to open on a busy machine, and every step opens it.
  describe(`[database] casing = snake_case on ${driverLabel(driver)}`, { timeout: 300_000 }, () => {
    let projectDir: string;
    let target: SuiteDatabase;
    let env: Record<string, string>;
    let db: Inspector;
    const cli = (...args: string[]) => runCliInProcess(args, { cwd: projectDir, env });
    // Modules are cached by path in this process: a change of models or settings runs in a moved project.
    const relocate = () => (projectDir = relocateProject(projectDir));
    const models = () => path.join(projectDir, 'apps/ledger/db/models.ts');

    beforeAll(() => {
      assertBuilt();
      projectDir = tempDir('casing');
      cpSync(path.join(repoRoot, 'fixtures/db/casing'), projectDir, { recursive: true });
      linkDependencies(projectDir);
      target = suiteDatabase(driver, 'casing', () => path.join(projectDir, 'embedded'));
      ({ env, db } = target);
    });

    afterAll(async () => {
      await target.drop();
      removeDir(projectDir);
    });

    it('codegen gives drizzle-kit the casing, and create_db names camelCase keys in snake_case and keeps an explicit name', async () => {
      const generated = await cli('codegen');
      expect(generated.code, show(generated)).toBe(0);
      expect(drizzleKitConfig(path.join(projectDir, '.backendts/drizzle.config.ts'))).toMatchObject({ casing: 'snake_case' });
      const result = await cli('create_db');
      expect(result.code, show(result)).toBe(0);
      expect(await db(columnsOf)).toEqual(COLUMNS);
    });

    it('plans 0 statements on the next runs: from the stored schema, without .backendts, and compared with the live catalog', async () => {
      const again = await cli('create_db');
      expect(again.stdout, show(again)).toContain('up to date: neither the models nor the database changed since the last create_db');
      rmSync(path.join(projectDir, '.backendts'), { recursive: true, force: true });
      const freshCheckout = await cli('create_db');
      expect(freshCheckout.stdout, show(freshCheckout)).toContain('up to date: neither the models nor the database changed since the last create_db');
      await db((query) => query('drop schema backendts cascade'));
      const live = await cli('create_db');
      expect(live.code, show(live)).toBe(0);
      expect(live.stdout).toContain('comparing the models with the database (no schema stored by create_db yet)');
      expect(live.stdout).toContain('up to date: nothing to do');
    });

    it('adds a camelCase column as exactly one ADD COLUMN "new_thing"', async () => {
      relocate();
      writeFileSync(models(), readFileSync(models(), 'utf8').replace('    voucherCode: text(),\n', '    voucherCode: text(),\n    newThing: text(),\n'));
      const result = await cli('create_db', '--verbose');
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toContain('1 statement planned');
      expect(result.stdout).toContain('ALTER TABLE "ledger_entries" ADD COLUMN "new_thing" text;');
      expect(await db(columnsOf)).toEqual([...COLUMNS, 'ledger_entries.new_thing'].sort());
    });

    it('serves requests that insert and select through db_session() with the camelCase keys', async () => {
      const server = await startServer(['--port', '0'], projectDir, env);
      let created: { status: number; body: any };
      let read: { status: number; body: any };
      try {
        created = await request(`${server.url}/entries`, { json: { ownerName: 'Ada', baseAmount: '12.50', memo: 'first', externalRef: 'r-1' } });
        read = await request(`${server.url}/accounts/${created.body?.data?.accountId}/entries`);
      } finally {
        server.child.kill('SIGTERM');
      }
      const exit = await server.exit;
      expect(created.status, show(exit)).toBe(200);
      expect(created.body.data).toMatchObject({ baseAmount: '12.50', memo: 'first', externalRef: 'r-1', voucherCode: null, newThing: null });
      expect(read.status, show(exit)).toBe(200);
      expect(read.body.data.entries).toEqual([{ baseAmount: '12.50', memo: 'first', ownerName: 'Ada' }]);
      // The relational query reads rows through JSON, where PostgreSQL writes the numeric 12.50 as 12.5.
      expect(read.body.data.account).toMatchObject({ ownerName: 'Ada', entries: [{ memo: 'first', externalRef: 'r-1', newThing: null }] });
      expect(Number(read.body.data.account.entries[0].baseAmount)).toBe(12.5);
      expect(await db((query) => query('select base_amount, entry_memo, external_ref from ledger_entries'))).toEqual([
        { base_amount: '12.50', entry_memo: 'first', external_ref: 'r-1' },
      ]);
      expect(await db((query) => query('select tag_name from account_tags'))).toEqual([{ tag_name: 'new' }]);
    });

    it('sees a change of the setting as renamed columns, and changes nothing without being told how', async () => {
      relocate();
      const config = path.join(projectDir, 'config.ini');
      writeFileSync(config, readFileSync(config, 'utf8').replace('casing = snake_case', 'casing = camelCase'));
      const result = await cli('create_db');
      expect(result.code, show(result)).toBe(1);
      expect(result.stdout).not.toContain('up to date');
      expect(result.stderr).toContain('BT_CREATE_DB_AMBIGUOUS');
      expect(await db(columnsOf)).toEqual([...COLUMNS, 'ledger_entries.new_thing'].sort());
    });
  });
}
