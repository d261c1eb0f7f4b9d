/** Making the project instance: config selection, ${VAR}, and the errors of a broken project. */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Backendts, BackendtsError, parseConfig } from '../../runtime/index.js';
import { FIXTURES, project } from './support.js';

function failure(fn: () => unknown): BackendtsError {
  try {
    fn();
  } catch (error) {
    return error as BackendtsError;
  }
  throw new Error('expected a failure');
}

async function initFailure(name: string): Promise<BackendtsError> {
  const { bp } = project(name);
  return bp.init().then(
    () => {
      throw new Error('init() should have failed');
    },
    (error: BackendtsError) => error,
  );
}

describe('config', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['BACKENDTS_ENV', 'BACKENDTS_PROJECT_DIR', 'BT_TEST_SECRET', 'BT_TEST_MODE']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('reads config.ini beside the project, keeping unknown sections for apps', () => {
    const { bp } = project('envs');
    expect(bp.configFile).toBe(path.join(FIXTURES, 'envs', 'config.ini'));
    expect(bp.config.custom).toEqual({ name: 'default' });
    expect(bp.networking).toMatchObject({ host: '127.0.0.1', port: 8000, maxBodySize: 1024 * 1024 });
  });

  it('reads config.<env>.ini for BACKENDTS_ENV, with ${VAR} and ${VAR:-default} from the environment', () => {
    process.env.BACKENDTS_ENV = 'staging';
    process.env.BT_TEST_SECRET = 's3cret';
    const { bp } = project('envs');
    expect(bp.configFile).toBe(path.join(FIXTURES, 'envs', 'config.staging.ini'));
    expect(bp.config.custom).toEqual({ name: 'staging', secret: 's3cret', mode: 'safe' });
    expect(bp.networking).toMatchObject({ port: 9123, maxBodySize: 10 * 1024 * 1024 });
  });

  it('takes the env option over BACKENDTS_ENV, and names a missing variable', () => {
    process.env.BACKENDTS_ENV = 'nope';
    const error = failure(() => project('envs', { env: 'staging' }));
    expect(error.code).toBe('BT_CONFIG_ENV');
    expect(error.message).toContain(`${path.join(FIXTURES, 'envs', 'config.staging.ini')}: [custom] secret uses \${BT_TEST_SECRET}`);
  });

  it('names the missing config file of the selected environment', () => {
    const error = failure(() => project('envs', { env: 'prod' }));
    expect(error.code).toBe('BT_CONFIG_MISSING');
    expect(error.message).toMatch(/no config\.prod\.ini in .*envs/);
  });

  it('names the file and line of a malformed config.ini', () => {
    const error = failure(() => project('malformed-config'));
    expect(error.code).toBe('BT_CONFIG_PARSE');
    expect(error.message).toBe(`${path.join(FIXTURES, 'malformed-config', 'config.ini')}:4: cannot read "this line is not a setting"`);
  });

  it('finds the project from BACKENDTS_PROJECT_DIR when no projectDir is given', () => {
    process.env.BACKENDTS_PROJECT_DIR = path.join(FIXTURES, 'envs');
    const bp = new Backendts({ logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
    expect(bp.projectDir).toBe(path.join(FIXTURES, 'envs'));
  });

  it('accepts a config given in code', () => {
    const bp = new Backendts({ projectDir: FIXTURES, config: parseConfig('[custom]\nx = 1\n', 'inline.ini') });
    expect(bp.config.custom).toEqual({ x: '1' });
  });

  it('names a bad [networking] value', () => {
    const bad = (text: string) => failure(() => new Backendts({ projectDir: FIXTURES, config: parseConfig(`[networking]\n${text}\n`, 'c.ini') }));
    expect(bad('max_body_size = lots').message).toMatch(/\[networking\] max_body_size: "lots" is not a size/);
    expect(bad('port = 70000').message).toMatch(/\[networking\] port: "70000" is not a port number/);
    expect(bad('shutdown_timeout = soon').code).toBe('BT_NETWORKING_SETTING');
  });
});

describe('loading the apps', () => {
  it('names the app and the folder of an app missing from disk', async () => {
    const error = await initFailure('missing-app');
    expect(error.code).toBe('BT_APP_MISSING');
    expect(error.message).toContain(`app "apps/ghost" listed in ${path.join(FIXTURES, 'missing-app', 'config.ini')} [apps] active`);
    expect(error.hint).toContain(path.join(FIXTURES, 'missing-app', 'apps', 'ghost'));
  });

  it('names the app whose main module does not export `app`', async () => {
    const error = await initFailure('no-app-export');
    expect(error.code).toBe('BT_APP_EXPORT');
    expect(error.message).toContain(path.join(FIXTURES, 'no-app-export', 'apps', 'lonely', 'main.ts'));
    expect(error.hint).toMatch(/export const app = new App/);
  });

  it('names the app and the route path that is not valid', async () => {
    const error = await initFailure('bad-route');
    expect(error.code).toBe('BT_APP_IMPORT');
    expect(error.message).toContain('app "apps/bad"');
    expect(error.message).toMatch(/Route path "\/users\/<id:float>" is not valid: converter "float" is unknown/);
  });

  it('refuses to listen when the apps cannot load, leaving nothing listening', async () => {
    const { bp } = project('missing-app');
    await expect(bp.listen({ port: 0, signals: false })).rejects.toMatchObject({ code: 'BT_APP_MISSING' });
    // Nothing started, so close has nothing to run and resolves.
    await expect(bp.close()).resolves.toBeUndefined();
  });

  it('loads the apps once and lists them in config order', async () => {
    const { bp } = project('basic');
    expect(() => bp.apps).toThrow(/before the apps were loaded/);
    await Promise.all([bp.init(), bp.init()]);
    await bp.init();
    expect(bp.apps.map((app) => app.name)).toEqual(['first', 'second']);
  });
});
