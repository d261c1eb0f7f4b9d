/**
 * create_db, codegen and makemigrations load a TypeScript project's apps and
 * model modules from one esbuild bundle; where a bundle could behave unlike
 * importing each file, they load the files one by one, and either way the
 * result is the same. Through the real CLI (under vitest, modules are loaded
 * by vite, never bundled).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, copyProject, removeDir, runCli, show } from './support/cli.js';

const FIXTURE = 'fixtures/codegen/three-apps';
const SHOP_MODELS = 'apps/shop/db/models.ts';

/** `create_db --dry-run --verbose` on the project's embedded database, which a dry run leaves uncreated. */
const dryRun = (dir: string) => runCli(['create_db', '--dry-run', '--verbose'], { cwd: dir });

/** The SQL a dry run printed: every line but the progress, timing and loading lines. */
function plannedSql(stdout: string): string[] {
  return stdout.split('\n').filter((line) => !/^(modules loaded|done in|collected|connecting|embedded database)/.test(line));
}

describe('loading the models for create_db', () => {
  const projects: string[] = [];
  const project = () => {
    const dir = copyProject(FIXTURE);
    projects.push(dir);
    return dir;
  };
  beforeAll(assertBuilt);
  afterEach(() => {
    for (const dir of projects.splice(0)) removeDir(dir);
  });

  it('loads three apps whose tables reference each other in a cycle from one bundle, and plans what loading each file plans', async () => {
    const bundled = await dryRun(project());
    expect(bundled.code, show(bundled)).toBe(0);
    expect(bundled.stdout).toMatch(/^modules loaded from one bundle of \d+ source files$/m);

    const oneByOne = project();
    appendFileSync(path.join(oneByOne, SHOP_MODELS), '\n// Mentions import.meta, so the files are loaded one by one.\n');
    const unbundled = await dryRun(oneByOne);
    expect(unbundled.code, show(unbundled)).toBe(0);
    expect(unbundled.stdout).toContain(`modules loaded one by one: ${path.join(oneByOne, SHOP_MODELS)} uses import.meta`);
    expect(plannedSql(unbundled.stdout)).toEqual(plannedSql(bundled.stdout));
    expect(plannedSql(bundled.stdout).join('\n')).toContain('CREATE TABLE "blog"."posts"');
  });

  it("gives a model module that reads import.meta.url its own file's URL", async () => {
    const dir = project();
    const models = path.join(dir, SHOP_MODELS);
    const source = readFileSync(models, 'utf8');
    writeFileSync(
      models,
      `import { fileURLToPath as ownPath } from 'node:url';\nconst ownName = ownPath(import.meta.url).split('/').at(-2)!;\n` +
        source.replace(/pgTable\('orders'/, "pgTable(`${ownName}_orders`"),
    );
    const result = await dryRun(dir);
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain('CREATE TABLE "db_orders"');
  });

  it('names the model module that throws while it is evaluated', async () => {
    const dir = project();
    appendFileSync(path.join(dir, SHOP_MODELS), "\nthrow new Error('the shop models are broken');\n");
    const result = await dryRun(dir);
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toContain(`model module ${SHOP_MODELS} failed to import: the shop models are broken`);
  });

  it('names the model module that does not parse', async () => {
    const dir = project();
    appendFileSync(path.join(dir, SHOP_MODELS), '\nexport const broken = ;\n');
    const result = await dryRun(dir);
    expect(result.code, show(result)).toBe(1);
    expect(result.stderr).toContain(`model module ${SHOP_MODELS} failed to import`);
  });
});
