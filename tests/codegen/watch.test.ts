import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { watchProject, type ProjectWatcher, type WatchGeneration } from '../../codegen/index.js';
import type { BackendtsError } from '../../runtime/core/errors.js';
import { copyFixture, type FixtureCopy } from './fixture-copy.js';
import { transpilePackage, type TranspiledPackage } from './transpiled-package.js';

type Event = { generation: WatchGeneration } | { error: BackendtsError };

let pkg: TranspiledPackage;
let project: FixtureCopy;
let watcher: ProjectWatcher | undefined;
const events: Event[] = [];
let wake: (() => void) | undefined;

/** Waits for the next generation or failure the watcher reports. */
async function nextEvent(): Promise<Event> {
  while (events.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  return events.shift()!;
}

beforeAll(() => {
  pkg = transpilePackage();
  project = copyFixture('three-apps', { standalone: true });
  pkg.install(project.dir);
});
afterAll(async () => {
  await watcher?.close();
  project.remove();
  pkg.remove();
});

describe('watchProject', () => {
  const models = () => path.join(project.dir, 'apps/shop/db/models.ts');
  const schema = () => readFileSync(path.join(project.dir, '.backendts/schema.ts'), 'utf8');
  const push = (event: Event) => {
    events.push(event);
    wake?.();
  };

  test('generates once at start', async () => {
    watcher = watchProject({
      projectDir: project.dir,
      debounceMs: 50,
      onChange: (generation) => push({ generation }),
      onError: (error) => push({ error }),
    });
    const first = await nextEvent();
    expect('generation' in first && first.generation.files.map((file) => file.status)).toEqual(['written', 'written', 'written']);
    expect(schema()).not.toContain('coupons');
  });

  test('regenerates when a model module gains a table, naming the changed file', async () => {
    writeFileSync(
      models(),
      readFileSync(models(), 'utf8') + "\n/** A coupon. */\nexport const coupons = pgTable('coupons', { code: varchar('code', { length: 20 }).primaryKey() });\n",
    );
    const event = await nextEvent();
    if (!('generation' in event)) throw event.error;
    expect(event.generation.changed).toContain(models());
    expect(event.generation.entries.map((entry) => entry.name)).toContain('coupons');
    expect(schema()).toContain('  coupons,\n');
  });

  test('reports a model module that stops importing, keeps the last good output, and recovers', async () => {
    const good = readFileSync(models(), 'utf8');
    const before = schema();
    writeFileSync(models(), good + "\nthrow new Error('half-edited');\n");
    const failed = await nextEvent();
    if (!('error' in failed)) throw new Error('expected a failure');
    expect(failed.error.code).toBe('BT_MODEL_IMPORT');
    expect(failed.error.message).toContain('apps/shop/db/models.ts failed to import: half-edited');
    expect(schema()).toBe(before);

    writeFileSync(models(), good.replace(/\n\/\*\* A coupon[^]*$/, '\n'));
    const recovered = await nextEvent();
    if (!('generation' in recovered)) throw recovered.error;
    expect(recovered.generation.entries.map((entry) => entry.name)).not.toContain('coupons');
    expect(schema()).not.toContain('coupons');
  });

  test('regenerates after each save that replaces the file by a rename, as editors save', async () => {
    const good = readFileSync(models(), 'utf8');
    const saveByRename = (content: string) => {
      const temporary = path.join(path.dirname(models()), '.models.ts.swp');
      writeFileSync(temporary, content);
      renameSync(temporary, models());
    };
    for (const table of ['coupons', 'vouchers']) {
      saveByRename(`${good}\nexport const ${table} = pgTable('${table}', { code: varchar('code', { length: 20 }).primaryKey() });\n`);
      const event = await nextEvent();
      if (!('generation' in event)) throw event.error;
      expect(event.generation.changed).toEqual([models()]);
      expect(schema()).toContain(`  ${table},\n`);
    }
    saveByRename(good);
    await nextEvent();
  });
});
