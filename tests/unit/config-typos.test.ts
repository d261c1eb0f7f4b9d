/**
 * config.ini refuses what is surely a typo in the framework's sections,
 * naming the file, line and closest known name, and leaves the apps' own
 * sections alone.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backendts, parseConfig } from '../../runtime/index.js';
import { readNetworkingSettings } from '../../runtime/project/networking.js';
import { SETTINGS } from '../../runtime/project/settings-table.js';
import { FIXTURES } from '../runtime/support.js';

const parse = (text: string) => parseConfig(text, '/p/config.ini', {});

describe('typos in config.ini', () => {
  it('refuses an unknown key in [apps], naming the line and suggesting active', () => {
    expect(() => parse('[apps]\nactve =\n    apps/hello\n')).toThrow(
      expect.objectContaining({
        code: 'BT_CONFIG_UNKNOWN_SETTING',
        message: '/p/config.ini:2: [apps] has no setting "actve"',
        hint: 'did you mean "active"? [apps] settings: active',
      }),
    );
  });

  it('refuses prot in [networking] and a misspelt [middlewares] key', () => {
    expect(() => parse('[networking]\nhost = 0.0.0.0\nprot = 8101\n')).toThrow(
      expect.objectContaining({ message: '/p/config.ini:3: [networking] has no setting "prot"', hint: expect.stringMatching(/^did you mean "port"\?/) }),
    );
    expect(() => parse('[middlewares]\nactiv = ./m#m\n')).toThrow(/\[middlewares\] has no setting "activ"/);
  });

  it('lists the known settings when no name is close', () => {
    expect(() => parse('[networking]\nbanana = 1\n')).toThrow(
      expect.objectContaining({ hint: `[networking] settings: ${Object.keys(SETTINGS.networking).join(', ')}` }),
    );
  });

  it('refuses a section one or two letters from a framework section', () => {
    for (const [written, meant] of [
      ['databse', 'database'],
      ['Database', 'database'],
      ['networkng', 'networking'],
      ['middleware', 'middlewares'],
      ['app', 'apps'],
    ]) {
      expect(() => parse(`; comment\n[${written}]\nx = 1\n`)).toThrow(
        expect.objectContaining({
          code: 'BT_CONFIG_UNKNOWN_SECTION',
          message: `/p/config.ini:2: unknown section [${written}]`,
          hint: expect.stringMatching(new RegExp(`^did you mean \\[${meant}\\]\\?`)),
        }),
      );
    }
  });

  it("keeps the apps' own sections, whatever their keys", () => {
    const config = parse('[accounts]\naes_key = k\n\n[api]\nprot = 1\n\n[data]\nx = y\n');
    expect(config.accounts?.aes_key).toBe('k');
    expect(config.api?.prot).toBe('1');
  });

  it('refuses a typo in a config given in code, and one read with readNetworkingSettings', () => {
    expect(() => new Backendts({ projectDir: path.join(FIXTURES, 'basic'), config: { databse: { host: 'x' } } })).toThrow(
      /config\.ini \(given in code\): unknown section \[databse\]/,
    );
    expect(() => readNetworkingSettings({ networking: { prot: '1' } }, 'c.ini')).toThrow(/c\.ini: \[networking\] has no setting "prot"/);
  });
});
