/** The command keeps compiled modules on disk where Node can (22.1+), so later commands skip compiling them. */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as nodeModule from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, removeDir, runCli, show, tempDir } from './support/cli.js';

const hasCompileCache = 'enableCompileCache' in nodeModule;

describe('the module compile cache', () => {
  let tmp: string;

  beforeAll(() => {
    assertBuilt();
    tmp = tempDir('compile-cache');
  });

  afterAll(() => removeDir(tmp));

  it.skipIf(!hasCompileCache)('is written to the temporary folder by a command, and left alone with NODE_DISABLE_COMPILE_CACHE', async () => {
    const off = path.join(tmp, 'off');
    const on = path.join(tmp, 'on');
    for (const dir of [off, on]) mkdirSync(dir);
    const disabled = await runCli(['--help'], { cwd: tmp, env: { TMPDIR: off, NODE_DISABLE_COMPILE_CACHE: '1', NODE_COMPILE_CACHE: undefined } });
    expect(disabled.code, show(disabled)).toBe(0);
    expect(existsSync(path.join(off, 'node-compile-cache'))).toBe(false);
    const enabled = await runCli(['--help'], { cwd: tmp, env: { TMPDIR: on, NODE_DISABLE_COMPILE_CACHE: undefined, NODE_COMPILE_CACHE: undefined } });
    expect(enabled.code, show(enabled)).toBe(0);
    const cache = path.join(on, 'node-compile-cache');
    expect(existsSync(cache)).toBe(true);
    expect(readdirSync(cache).length).toBeGreaterThan(0);
  });
});
