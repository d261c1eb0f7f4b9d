/**
 * Views under `[database] casing`: drizzle-orm writes the select list of a
 * one-table view with the columns' keys, so codegen refuses such a view
 * with the fix; a view whose columns have explicit names is created and
 * compared cleanly.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { integer, numeric, pgMaterializedView, pgTable, pgView, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { modelsSnapshot } from '../../cli/create-db/fingerprint.js';
import { planPush } from '../../cli/create-db/plan.js';
import type { CheckedObject } from '../../codegen/identifier-length.js';
import { collectSchema } from '../../codegen/index.js';
import { checkViewCasing } from '../../codegen/view-casing.js';
import { useMemoryDatabase } from '../cli/support/memory-database.js';
import { thrown } from '../support/thrown.js';
import { repoRoot } from './fixture-copy.js';

const entries = pgTable('ledger_entries', {
  id: integer().primaryKey(),
  accountId: integer(),
  baseAmount: numeric().notNull(),
  memo: text('entry_memo'),
});
const named = pgTable('named_entries', { id: integer().primaryKey(), accountId: integer('account_id'), baseAmount: numeric('base_amount').notNull() });

const byKey = pgView('entry_totals').as((qb) =>
  qb.select({ accountId: entries.accountId, total: sql<string>`sum(${entries.baseAmount})`.as('total') }).from(entries).groupBy(entries.accountId),
);
const byKeyMaterialized = pgMaterializedView('entry_memos').as((qb) => qb.select({ id: entries.id, memo: entries.memo, accountId: entries.accountId }).from(entries));
const byName = pgView('named_totals').as((qb) =>
  qb.select({ accountId: named.accountId, total: sql<string>`sum(${named.baseAmount})`.as('total') }).from(named).groupBy(named.accountId),
);

const object = (exportName: string, kind: CheckedObject['kind'], value: unknown): CheckedObject => ({
  app: 'ledger',
  displayFile: 'apps/ledger/db/models.ts',
  exportName,
  kind,
  object: value,
});

describe('views under [database] casing', { timeout: 120_000 }, () => {
  it('refuses a one-table view selecting columns by their keys, naming the app, file, view, column and the fix', () => {
    const error = thrown(() =>
      checkViewCasing([object('entries', 'table', entries), object('byKey', 'view', byKey), object('byKeyMaterialized', 'materializedView', byKeyMaterialized)], 'snake_case'),
    );
    expect(error.code).toBe('BT_VIEW_CASING');
    expect(error.message).toContain(
      `app "ledger", apps/ledger/db/models.ts: view "entry_totals" selects column "accountId" of table "ledger_entries" by its key, which [database] casing names "account_id"; name the column explicitly in the table: accountId: <type>('account_id')`,
    );
    expect(error.message).toContain('view "entry_memos" selects column "accountId"');
    // "id" is the same under the casing, and "memo" has its own name.
    expect(error.message).not.toContain('column "id"');
    expect(error.message).not.toContain('column "memo"');
  });

  it('is one of codegen\'s checks: collecting a project with such a view fails', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'backendts-view-casing-'));
    try {
      symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
      writeFileSync(path.join(root, 'config.ini'), '[apps]\nactive = apps/ledger\n\n[database]\ncasing = snake_case\n');
      mkdirSync(path.join(root, 'apps/ledger/db'), { recursive: true });
      writeFileSync(path.join(root, 'apps/ledger/main.ts'), "import { App } from 'backendts';\nexport const app = new App({ models: ['./db/models'] });\n");
      writeFileSync(
        path.join(root, 'apps/ledger/db/models.ts'),
        "import { integer, pgTable, pgView } from 'drizzle-orm/pg-core';\n" +
          'export const entries = pgTable(\'entries\', { id: integer().primaryKey(), accountId: integer() });\n' +
          'export const accounts = pgView(\'entry_accounts\').as((qb) => qb.select({ accountId: entries.accountId }).from(entries));\n',
      );
      await expect(collectSchema({ projectDir: root })).rejects.toMatchObject({
        code: 'BT_VIEW_CASING',
        message: expect.stringContaining('app "ledger", apps/ledger/db/models.ts: view "entry_accounts" selects column "accountId" of table "entries"'),
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('accepts the same views without a casing, and views over explicitly named columns', () => {
    expect(() => checkViewCasing([object('byKey', 'view', byKey)], undefined)).not.toThrow();
    expect(() => checkViewCasing([object('byName', 'view', byName)], 'snake_case')).not.toThrow();
  });

  const imports = { named, byName };
  const plan = async (runner = database.runner) =>
    (await planPush(imports, await modelsSnapshot(imports, ['public'], 'snake_case'), ['public'], runner, { target: 'the test database', casing: 'snake_case' })).statements;
  const database = useMemoryDatabase((runner) => plan(runner));

  it('creates a view over explicitly named columns, and a later comparison plans nothing', async () => {
    await database.db.query(`insert into named_entries (id, account_id, base_amount) values (1, 7, 2.5), (2, 7, 1)`);
    const { rows } = await database.db.query<{ account_id: number; total: string }>('select account_id, total from named_totals');
    expect(rows).toEqual([{ account_id: 7, total: '3.5' }]);
    expect(await plan()).toEqual([]);
  });
});
