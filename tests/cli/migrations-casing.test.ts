/** makemigrations writes the SQL names that `[database] casing` gives, as create_db pushes them. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectSchema } from '../../codegen/collect.js';
import { compareWithLastMigration } from '../../cli/migrations/compare.js';

const casingProject = path.resolve(import.meta.dirname, '../../fixtures/db/casing');

describe('makemigrations under [database] casing', () => {
  it('names the columns declared without a name by the casing', async () => {
    const collected = await collectSchema({ projectDir: casingProject });
    const { diff } = await compareWithLastMigration(collected, { renames: [], noRename: false });
    if (!('statements' in diff)) throw new Error(`a rename was reported: ${JSON.stringify(diff)}`);
    const sql = diff.statements.join('\n');
    expect(sql).toContain('"base_amount"');
    expect(sql).not.toContain('"baseAmount"');
  });
});
