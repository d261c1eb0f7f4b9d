import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { checkIdentifierLengths } from '../../codegen/identifier-length.js';
import { parseConfig } from '../../runtime/project/config.js';
import { sqlColumnName } from '../../runtime/db/casing.js';
import { readDatabaseSettings } from '../../runtime/db/settings.js';
import { thrown } from '../support/thrown.js';

const read = (text: string) => readDatabaseSettings(parseConfig(text, 'config.ini', {}), { projectDir: '/srv/project', environment: {} });

describe('[database] casing', () => {
  it('is undefined when unset, and reads snake_case and camelCase', () => {
    expect(read('[apps]\nactive =\n').casing).toBeUndefined();
    expect(read('[database]\ncasing = snake_case\n').casing).toBe('snake_case');
    expect(read('[database]\ncasing = camelCase\n').casing).toBe('camelCase');
  });

  it('rejects any other value with BT_DB_SETTING_INVALID, naming config.ini and the setting, with the accepted values', () => {
    const error = thrown(() => read('[database]\ncasing = kebab-case\n'));
    expect(error.code).toBe('BT_DB_SETTING_INVALID');
    expect(error.message).toBe('config.ini [database] casing: "kebab-case" is not known');
    expect(error.hint).toBe('use one of: snake_case, camelCase');
    expect(thrown(() => read('[database]\ncasing = SNAKE_CASE\n')).code).toBe('BT_DB_SETTING_INVALID');
  });

  it('names a column declared without a name by its key under the casing, and keeps an explicit name', () => {
    const table = pgTable('ledger', { baseAmount: integer(), memo: text('entryMemo') });
    expect(sqlColumnName(table.baseAmount, 'snake_case')).toBe('base_amount');
    expect(sqlColumnName(table.baseAmount, undefined)).toBe('baseAmount');
    expect(sqlColumnName(table.memo, 'snake_case')).toBe('entryMemo');
  });
});

describe('SQL name length under [database] casing', () => {
  // 60 bytes as a key; snake_case adds an underscore before each capital, which takes it over 63.
  const key = 'customerBillingAccountReferenceIdentifierForInvoiceRuns'.padEnd(60, 'x');
  const entry = () => {
    const table = pgTable('entries', { id: integer().primaryKey(), [key]: integer() });
    return [{ app: 'billing', displayFile: 'apps/billing/db/models.ts', exportName: 'entries', kind: 'table' as const, sqlName: 'entries', object: table }];
  };

  it('checks the name the column gets in SQL, not its key', () => {
    expect(() => checkIdentifierLengths(entry())).not.toThrow();
    const snake = sqlColumnName({ name: key, keyAsName: true }, 'snake_case');
    const error = thrown(() => checkIdentifierLengths(entry(), 'snake_case'));
    expect(error.code).toBe('BT_IDENTIFIER_TOO_LONG');
    expect(error.message).toContain(`app "billing", apps/billing/db/models.ts, table "entries": column name "${snake}" is ${snake.length} bytes`);
  });
});
