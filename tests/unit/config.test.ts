import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configList, loadConfig, parseConfig } from '../../runtime/project/config.js';
import { thrown } from '../support/thrown.js';

describe('config.ini', () => {
  it('reads indented lines under a key as a list, in order', () => {
    const config = parseConfig('[apps]\nactive =\n    apps/hello\n    apps/accounts\n', 'config.ini');
    expect(config.apps?.active).toEqual(['apps/hello', 'apps/accounts']);
  });

  it('keeps a first list item written on the key line', () => {
    const config = parseConfig('[networking]\nallowed_hosts = localhost:8000\n    127.0.0.1:8000\n', 'config.ini');
    expect(config.networking?.allowed_hosts).toEqual(['localhost:8000', '127.0.0.1:8000']);
  });

  it('keeps unknown sections for apps, with values verbatim', () => {
    const config = parseConfig('[accounts]\naes_key = a=b;c#d\ndebug = true\n', 'config.ini');
    expect(config.accounts).toEqual({ aes_key: 'a=b;c#d', debug: true });
  });

  it('replaces ${NAME} from the environment and uses ${NAME:-default} when unset', () => {
    const config = parseConfig('[database]\npassword = ${DB_PASS}\nname = ${DB_NAME:-app}\n', 'config.ini', {
      DB_PASS: 's3cret',
    });
    expect(config.database).toEqual({ password: 's3cret', name: 'app' });
  });

  it('names the file, section, key and variable when a variable is missing', () => {
    expect(() => parseConfig('[database]\npassword = ${NOPE}\n', '/p/config.ini', {})).toThrow(
      /\/p\/config\.ini: \[database\] password uses \$\{NOPE\}/,
    );
  });

  it('reports a malformed line with file and line number', () => {
    expect(() => parseConfig('[apps]\nactive = a\nnot a setting\n', '/p/config.ini')).toThrow(
      /\/p\/config\.ini:3: cannot read "not a setting"/,
    );
    expect(thrown(() => parseConfig('[apps\n', 'c.ini')).code).toBe('BT_CONFIG_PARSE');
    expect(thrown(() => parseConfig('key = 1\n', 'c.ini')).code).toBe('BT_CONFIG_PARSE');
  });

  it('selects config.<env>.ini and names the missing file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bt-config-'));
    writeFileSync(path.join(dir, 'config.ini'), '[apps]\nactive =\n');
    writeFileSync(path.join(dir, 'config.dev.ini'), '[apps]\nactive =\n    apps/dev\n');
    expect(loadConfig(dir).config.apps?.active).toBe('');
    expect(loadConfig(dir, { env: 'dev' }).config.apps?.active).toEqual(['apps/dev']);
    expect(() => loadConfig(dir, { env: 'prod' })).toThrow(/no config\.prod\.ini in/);
  });
});

describe('configList', () => {
  it('reads lists, single values and empty settings', () => {
    expect(configList(['a', 'b'])).toEqual(['a', 'b']);
    expect(configList('a')).toEqual(['a']);
    expect(configList('a, b')).toEqual(['a', 'b']);
    expect(configList('')).toEqual([]);
    expect(configList(undefined)).toEqual([]);
  });
});
