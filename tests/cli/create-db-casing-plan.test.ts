/** Planning under [database] casing, in process, on an in-memory PGlite: the live comparison and the snapshot agree on every name. */
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, numeric, pgPolicy, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { checkSameSnapshot, withCasedColumns } from '../../cli/create-db/cased-columns.js';
import { modelsSnapshot } from '../../cli/create-db/fingerprint.js';
import { planFromSnapshot, planPush } from '../../cli/create-db/plan.js';
import type { SqlRunner } from '../../cli/create-db/sql-runner.js';
import { thrown } from '../support/thrown.js';
import { useMemoryDatabase } from './support/memory-database.js';

const models = (withNewThing: boolean) => {
  const accounts = pgTable('accounts', { id: integer().primaryKey().generatedAlwaysAsIdentity(), ownerName: text().notNull() });
  const entries = pgTable(
    'ledger_entries',
    {
      id: integer().primaryKey(),
      accountId: integer().references(() => accounts.id),
      baseAmount: numeric({ precision: 12, scale: 2 }).notNull().default('0'),
      externalRef: text().unique(),
      memo: text('entry_memo'),
      voucherCode: text(),
      createdBy: text().notNull().default('system'),
      ...(withNewThing ? { newThing: text() } : {}),
    },
    (t) => [
      index().on(t.accountId),
      unique().on(t.voucherCode),
      check('base_amount_positive', sql`${t.baseAmount} >= 0`),
      pgPolicy('own_entries', { using: sql`${t.createdBy} = current_user` }),
    ],
  );
  const tags = pgTable('account_tags', { accountId: integer().notNull(), tagName: text().notNull() }, (t) => [
    primaryKey({ columns: [t.accountId, t.tagName] }),
    foreignKey({ columns: [t.accountId], foreignColumns: [accounts.id] }),
  ]);
  return { accounts, entries, tags };
};

describe('planning with [database] casing = snake_case', { timeout: 120_000 }, () => {
  const snapshot = (imports: Record<string, unknown>) => modelsSnapshot(imports, ['public'], 'snake_case');
  const plan = async (imports: Record<string, unknown>, runner: SqlRunner = database.runner) =>
    planPush(imports, await snapshot(imports), ['public'], runner, { target: 'the test database', casing: 'snake_case' });
  const database = useMemoryDatabase(async (runner) => (await plan(models(false), runner)).statements);

  it('creates snake_case columns for camelCase keys and keeps an explicit name', async () => {
    const { rows } = await database.db.query<{ name: string }>(
      `select table_name || '.' || column_name as name from information_schema.columns where table_name = 'ledger_entries' order by ordinal_position`,
    );
    expect(rows.map((row) => row.name)).toEqual([
      'ledger_entries.id',
      'ledger_entries.account_id',
      'ledger_entries.base_amount',
      'ledger_entries.external_ref',
      'ledger_entries.entry_memo',
      'ledger_entries.voucher_code',
      'ledger_entries.created_by',
    ]);
  });

  it('plans nothing against the live catalog when nothing changed, and exactly the new column when one is added', async () => {
    expect((await plan(models(false))).statements).toEqual([]);
    expect((await plan(models(true))).statements).toEqual(['ALTER TABLE "ledger_entries" ADD COLUMN "new_thing" text;']);
  });

  it('plans the same new column from the stored snapshot', async () => {
    const result = await planFromSnapshot(await snapshot(models(false)), await snapshot(models(true)), { target: 'the test database' });
    expect(result.statements).toEqual(['ALTER TABLE "ledger_entries" ADD COLUMN "new_thing" text;']);
  });

  it('gives the models their keys back after the comparison, also when it fails', async () => {
    const imports = models(false);
    await withCasedColumns(imports, 'snake_case', async () => {
      expect(imports.entries.baseAmount.name).toBe('base_amount');
    });
    await expect(
      withCasedColumns(imports, 'snake_case', async () => {
        throw new Error('planning failed');
      }),
    ).rejects.toThrow('planning failed');
    expect(imports.entries.baseAmount.name).toBe('baseAmount');
    expect(imports.entries.baseAmount.keyAsName).toBe(true);
    expect(await snapshot(imports)).toEqual(await snapshot(models(false)));
  });

  it('refuses to compare when the cased models would not be the ones drizzle-kit snapshots, naming the table', () => {
    const table = (columns: string[]) => ({ tables: { 'public.ledger_entries': { name: 'ledger_entries', columns } } });
    expect(() => checkSameSnapshot(table(['base_amount']), table(['base_amount']), 'snake_case')).not.toThrow();
    const error = thrown(() => checkSameSnapshot(table(['baseAmount']), table(['base_amount']), 'snake_case'));
    expect(error.code).toBe('BT_CREATE_DB_CASING');
    expect(error.message).toContain('table "public.ledger_entries"');
  });
});
