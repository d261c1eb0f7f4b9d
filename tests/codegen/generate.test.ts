import { cpSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generate } from '../../codegen/index.js';
import { GENERATED_HEADER } from '../../codegen/emit.js';
import { isGeneratedSchemaStale } from '../../codegen/generate.js';
import { copyFixture, type FixtureCopy } from './fixture-copy.js';

let copy: FixtureCopy;
let generatedDir: string;
const read = (name: string) => readFileSync(path.join(generatedDir, name), 'utf8');
const names = ['schema.ts', 'types.d.ts', 'drizzle.config.ts'];

beforeAll(() => {
  copy = copyFixture('three-apps');
  generatedDir = path.join(copy.dir, '.backendts');
});
afterAll(() => copy.remove());

describe('generate writes the schema module, its types and a drizzle-kit config', () => {
  test('writes the three files on the first run, each starting with the header and the hash', async () => {
    const result = await generate({ projectDir: copy.dir });
    expect(result.files).toEqual(names.map((name) => ({ path: path.join(generatedDir, name), status: 'written' })));
    expect(result.stale).toBe(false);
    for (const name of names) {
      const lines = read(name).split('\n');
      expect(lines[0]).toBe(GENERATED_HEADER);
      expect(lines[1]).toBe(`// hash: ${result.hash}`);
    }
  });

  test('schema.ts re-exports every object by relative .js path, with an app prefix where two apps share a name', async () => {
    const { hash } = await generate({ projectDir: copy.dir });
    expect(read('schema.ts')).toBe(
      `${GENERATED_HEADER}
// hash: ${hash}
// The project's Drizzle schema: every object the active apps' model modules export.

export {
  role,
  settings as accounts_settings,
  users,
  usersRelations,
} from "../apps/accounts/db/models.js";

export {
  blogSchema,
  issueNumbers,
  postTitles,
  posts,
  postsRelations,
} from "../apps/blog/db/models/index.js";

export {
  orders,
  ordersRelations,
  settings as shop_settings,
} from "../apps/shop/db/models.js";
`,
    );
  });

  test("types.d.ts registers the schema's type with backendts/db", () => {
    const text = read('types.d.ts');
    expect(text).toContain("import type * as schema from './schema.js';");
    expect(text).toContain("declare module 'backendts/db' {\n  interface Register {\n    schema: typeof schema;\n  }\n}");
  });

  test('drizzle.config.ts takes its settings from the project when drizzle-kit loads it', () => {
    const text = read('drizzle.config.ts');
    expect(text).toContain("import { drizzleKitConfig } from 'backendts/codegen';");
    expect(text).toContain('export default drizzleKitConfig(import.meta.url);');
  });

  test('a second run gives the same bytes and leaves the files untouched', async () => {
    const before = names.map((name) => read(name));
    const past = new Date('2020-01-01T00:00:00Z');
    for (const name of names) utimesSync(path.join(generatedDir, name), past, past);
    const result = await generate({ projectDir: copy.dir });
    expect(result.files.map((file) => file.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(names.map((name) => read(name))).toEqual(before);
    for (const name of names) expect(statSync(path.join(generatedDir, name)).mtime.getTime()).toBe(past.getTime());
  });

  test('check on fresh output reports every file unchanged and not stale', async () => {
    const result = await generate({ projectDir: copy.dir, check: true });
    expect(result.stale).toBe(false);
    expect(result.files.every((file) => file.status === 'unchanged')).toBe(true);
    expect(await isGeneratedSchemaStale(copy.dir, result.hash)).toBe(false);
  });

  test('after a model module gains a table, check reports all three stale and writes nothing', async () => {
    // A module imported once stays imported in this process: edit a fresh copy holding the same output.
    const edited = copyFixture('three-apps');
    try {
      cpSync(generatedDir, path.join(edited.dir, '.backendts'), { recursive: true });
      const before = names.map((name) => read(name));
      const models = path.join(edited.dir, 'apps/shop/db/models.ts');
      writeFileSync(
        models,
        readFileSync(models, 'utf8') +
          "\n/** A coupon. */\nexport const coupons = pgTable('coupons', { code: varchar('code', { length: 20 }).primaryKey() });\n",
      );
      const result = await generate({ projectDir: edited.dir, check: true });
      expect(result.stale).toBe(true);
      expect(result.files.map((file) => file.status)).toEqual(['stale', 'stale', 'stale']);
      const after = names.map((name) => readFileSync(path.join(edited.dir, '.backendts', name), 'utf8'));
      expect(after).toEqual(before);
      expect(await isGeneratedSchemaStale(edited.dir, result.hash)).toBe(true);
      expect(await isGeneratedSchemaStale(copy.dir, result.hash)).toBe(true);
    } finally {
      edited.remove();
    }
  });

  test('a hand edit makes check report that file alone as stale', async () => {
    const fresh = await generate({ projectDir: copy.dir });
    writeFileSync(path.join(generatedDir, 'types.d.ts'), read('types.d.ts') + '// edited\n');
    const result = await generate({ projectDir: copy.dir, check: true });
    expect(result.files.map((file) => file.status)).toEqual(['unchanged', 'stale', 'unchanged']);
    expect(result.hash).toBe(fresh.hash);
  });

  test('a missing file is stale for the runtime check', async () => {
    const { hash } = await generate({ projectDir: copy.dir });
    expect(await isGeneratedSchemaStale(copy.dir, hash)).toBe(false);
    writeFileSync(path.join(generatedDir, 'drizzle.config.ts'), '');
    expect(await isGeneratedSchemaStale(copy.dir, hash)).toBe(true);
  });
});
