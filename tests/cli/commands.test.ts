/** The command line itself: help, version, and one clear line (plus a hint) for each bad input. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, copyFixture, finished, removeDir, runCli, show, spawnCli, tempDir, type CliResult } from './support/cli.js';

/** A failure is one error line and one hint line, with no stack trace. */
function expectOneLineError(result: CliResult, code: string): void {
  expect(result.code, show(result)).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^error ${code}: `));
  expect(lines[1]).toMatch(/^hint: /);
  expect(lines).toHaveLength(2);
}

describe('the backendts command', () => {
  let projectDir: string;
  let emptyDir: string;

  beforeAll(() => {
    assertBuilt();
    projectDir = copyFixture('project');
    emptyDir = tempDir('empty');
  });

  afterAll(() => {
    removeDir(projectDir);
    removeDir(emptyDir);
  });

  it('prints its version', async () => {
    const result = await runCli(['--version'], { cwd: emptyDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^backendts\/\d+\.\d+\.\d+/);
  });

  it('lists every command in --help, and each command documents its options', async () => {
    const help = await runCli(['--help'], { cwd: emptyDir });
    expect(help.code).toBe(0);
    for (const command of ['codegen', 'create_db', 'run', 'create_project', 'create_app', 'init_project']) {
      expect(help.stdout).toContain(command);
    }
    const createDb = await runCli(['create-db', '--help'], { cwd: emptyDir });
    expect(createDb.code).toBe(0);
    for (const option of ['--force', '--dry-run', '--verbose', '--project <dir>', '--env <name>', '--debug']) {
      expect(createDb.stdout).toContain(option);
    }
  });

  it('refuses an unknown command, naming it and the known ones', async () => {
    const result = await runCli(['create_dbb'], { cwd: emptyDir });
    expectOneLineError(result, 'BT_CLI_USAGE');
    expect(result.stderr).toContain('unknown command "create_dbb"');
    expect(result.stderr).toContain('hint: did you mean create_db?');
  });

  it('refuses an unknown option, pointing at the command\'s help', async () => {
    const result = await runCli(['create_db', '--forse'], { cwd: projectDir });
    expectOneLineError(result, 'BT_CLI_USAGE');
    expect(result.stderr).toContain('--forse');
    expect(result.stderr).toContain('hint: did you mean --force? run backendts create_db --help');
  });

  it('suggests the closest flag of the command or the global ones', async () => {
    const port = await runCli(['run', '--prot', '8101'], { cwd: projectDir });
    expectOneLineError(port, 'BT_CLI_USAGE');
    expect(port.stderr).toContain('hint: did you mean --port?');
    const project = await runCli(['codegen', '--projcet', projectDir], { cwd: emptyDir });
    expect(project.stderr).toContain('hint: did you mean --project?');
  });

  it('refuses a typo in config.ini before doing anything, naming the line and the closest setting', async () => {
    const typo = path.join(emptyDir, 'typo');
    mkdirSync(typo);
    writeFileSync(path.join(typo, 'config.ini'), '[apps]\nactve =\n    apps/hello\n');
    const result = await runCli(['codegen'], { cwd: typo });
    expectOneLineError(result, 'BT_CONFIG_UNKNOWN_SETTING');
    expect(result.stderr).toContain(`${path.join(typo, 'config.ini')}:2: [apps] has no setting "actve"`);
    expect(result.stderr).toContain('hint: did you mean "active"?');
  });

  it('says which folder has no config.ini (and accepts --project)', async () => {
    const here = await runCli(['create_db'], { cwd: emptyDir });
    expectOneLineError(here, 'BT_CONFIG_MISSING');
    expect(here.stderr).toContain(emptyDir);
    const elsewhere = await runCli(['codegen', '--project', emptyDir], { cwd: projectDir });
    expectOneLineError(elsewhere, 'BT_CONFIG_MISSING');
    expect(elsewhere.stderr).toContain(emptyDir);
  });

  it('reads config.<env>.ini with --env', async () => {
    const result = await runCli(['codegen', '--env', 'staging'], { cwd: projectDir });
    expectOneLineError(result, 'BT_CONFIG_MISSING');
    expect(result.stderr).toContain('config.staging.ini');
  });

  it('reports a model module that fails to import with the app and file, and the stack only with --debug', async () => {
    const broken = copyFixture('project');
    try {
      writeFileSync(path.join(broken, 'apps/store/db/broken.ts'), "throw new Error('models are broken');\nexport {};\n");
      const main = path.join(broken, 'apps/store/main.ts');
      writeFileSync(main, readFileSync(main, 'utf8').replace("models: ['./db/models']", "models: ['./db/models', './db/broken']"));
      for (const command of ['codegen', 'create_db']) {
        const result = await runCli([command], { cwd: broken });
        expectOneLineError(result, 'BT_[A-Z_]+');
        expect(result.stderr).toContain('store');
        expect(result.stderr).toContain('db/broken');
        expect(result.stderr).toContain('models are broken');
      }
      const debug = await runCli(['codegen', '--debug'], { cwd: broken });
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(/^\s+at /m);
    } finally {
      removeDir(broken);
    }
  });

  it('checks generated files with codegen --check: stale before codegen, up to date after', async () => {
    const stale = await runCli(['codegen', '--check'], { cwd: projectDir });
    expect(stale.code, show(stale)).toBe(1);
    expect(stale.stderr).toContain('.backendts/schema.ts');
    const generate = await runCli(['codegen'], { cwd: projectDir });
    expect(generate.code, show(generate)).toBe(0);
    expect(generate.stdout).toContain('.backendts/schema.ts');
    const fresh = await runCli(['codegen', '--check'], { cwd: projectDir });
    expect(fresh.code, show(fresh)).toBe(0);
    expect(fresh.stdout).toContain('up to date');
  });

  it('regenerates with codegen --watch when a model module changes, and stops on SIGTERM', async () => {
    const watched = copyFixture('project');
    const child = spawnCli(['codegen', '--watch'], { cwd: watched });
    const exit = finished(child);
    try {
      let seen = '';
      const printed = (pattern: RegExp) =>
        new Promise<void>((resolve) => {
          const check = () => pattern.test(seen) && resolve();
          child.stdout?.on('data', (chunk: Buffer) => {
            seen += chunk.toString();
            check();
          });
          check();
        });
      await printed(/generated 3 objects/);
      const models = path.join(watched, 'apps/store/db/models.ts');
      writeFileSync(models, `${readFileSync(models, 'utf8')}\nexport const extra = pgTable('extra', { id: integer('id') });\n`);
      await printed(/generated 4 objects after a change in apps\/store\/db\/models\.ts/);
      expect(readFileSync(path.join(watched, '.backendts/schema.ts'), 'utf8')).toContain('extra');
    } finally {
      child.kill('SIGTERM');
    }
    const result = await exit;
    expect(result.code, show(result)).toBe(0);
    removeDir(watched);
  });

  it('refuses a project name that is not a valid folder or package name', async () => {
    for (const name of ['Bad Name', '../escape', '.hidden', 'UPPER']) {
      const result = await runCli(['create_project', '--name', name], { cwd: emptyDir });
      expectOneLineError(result, 'BT_SCAFFOLD_NAME');
      expect(result.stderr).toContain(`"${name}" is not a valid project name`);
    }
    const missing = await runCli(['create_project'], { cwd: emptyDir });
    expectOneLineError(missing, 'BT_SCAFFOLD_NAME');
  });

  it('refuses an app name that cannot be a folder and table prefix', async () => {
    const result = await runCli(['create_app', '--name', 'my-app'], { cwd: projectDir });
    expectOneLineError(result, 'BT_SCAFFOLD_NAME');
  });

  it('refuses several workers on the embedded database', async () => {
    const result = await runCli(['run', '--workers', '2'], { cwd: projectDir });
    expectOneLineError(result, 'BT_RUN_WORKERS_EMBEDDED');
    expect(result.stderr).toContain('embedded database');
  });

  it('refuses a port that is not a number', async () => {
    const result = await runCli(['run', '--port', 'eighty'], { cwd: projectDir });
    expectOneLineError(result, 'BT_CLI_OPTION');
  });

  it('says there is no main module to run', async () => {
    const noMain = path.join(emptyDir, 'no-main');
    mkdirSync(noMain);
    writeFileSync(path.join(noMain, 'config.ini'), '[apps]\nactive =\n');
    const result = await runCli(['run'], { cwd: noMain });
    expectOneLineError(result, 'BT_MAIN_MISSING');
  });
});
