/** The "collected … tables from … apps" line counts the apps that define tables, and says how many define none. */
import { describe, expect, it } from 'vitest';
import { collectedTablesLine } from '../../cli/collected-tables.js';
import type { CollectedSchema } from '../../codegen/collect.js';

const schema = (apps: string[], tables: [app: string, kind: string][]) =>
  ({
    apps: apps.map((name) => ({ name })),
    entries: tables.map(([app, kind]) => ({ app, kind })),
  }) as unknown as Pick<CollectedSchema, 'apps' | 'entries'>;

describe('collectedTablesLine', () => {
  it('counts only the apps with tables, and names the others', () => {
    expect(collectedTablesLine(schema(['users', 'posts', 'hello'], [['users', 'table'], ['posts', 'table'], ['posts', 'table'], ['posts', 'relations']]))).toBe(
      'collected 3 tables from 2 apps (1 active app defines none)',
    );
    expect(collectedTablesLine(schema(['a', 'b', 'c'], [['a', 'table'], ['a', 'enum']]))).toBe('collected 1 table from 1 app (2 active apps define none)');
  });

  it('says nothing more when every app has tables', () => {
    expect(collectedTablesLine(schema(['users', 'posts'], [['users', 'table'], ['posts', 'table']]))).toBe('collected 2 tables from 2 apps');
  });
});
