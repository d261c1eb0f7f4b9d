import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../runtime/project/config.js';
import { describeTarget, readDatabaseSettings, sessionSettings } from '../../runtime/db/settings.js';

const projectDir = '/srv/project';
const read = (text: string, environment: NodeJS.ProcessEnv = {}) =>
  readDatabaseSettings(parseConfig(text, 'config.ini', environment), { projectDir, environment });

describe('[database] settings', () => {
  it('uses the embedded database inside the project when neither host nor url is set', () => {
    const settings = read('[apps]\nactive =\n');
    expect(settings.target).toEqual({ driver: 'pglite', path: path.join(projectDir, '.backendts/db') });
    expect(settings.isolationLevel).toBe('read committed');
  });

  it('builds a PostgreSQL URL from host, port, name, username and password', () => {
    const settings = read('[database]\nhost = db.local\nport = 6543\nname = my db\nusername = u\npassword = p@ss\n');
    expect(settings.target).toMatchObject({ driver: 'postgres', host: 'db.local', port: 6543, name: 'my db' });
    if (settings.target.driver !== 'postgres') throw new Error('expected postgres');
    const url = new URL(settings.target.url);
    expect(decodeURIComponent(url.password)).toBe('p@ss');
    expect(decodeURIComponent(url.pathname)).toBe('/my db');
  });

  it('lets DATABASE_URL override the file', () => {
    const settings = read('[database]\nhost = a\nname = b\n', { DATABASE_URL: 'postgres://x@h:5433/other' });
    expect(settings.target).toMatchObject({ driver: 'postgres', host: 'h', port: 5433, name: 'other' });
  });

  it('gives create_db and migrate direct_url in place of the server target, when set', () => {
    const pooled = read('[database]\nurl = postgres://u@pooler:6432/shop\ndirect_url = postgres://u@primary:5432/shop\n');
    expect(pooled.target).toMatchObject({ host: 'pooler', port: 6432 });
    expect(sessionSettings(pooled).target).toMatchObject({ host: 'primary', port: 5432, name: 'shop' });
    const direct = read('[database]\nurl = postgres://u@primary:5432/shop\n');
    expect(sessionSettings(direct)).toBe(direct);
    expect(() => read('[database]\nurl = postgres://h/d\ndirect_url = mysql://h/d\n')).toThrow(/\[database\]: direct_url must start with postgres:\/\//);
  });

  it('moves the main connection to direct_host and/or direct_port for create_db and migrate, keeping database, user and password', () => {
    const secret = 'p@ss:/word';
    const base = `[database]\nhost = pooler\nport = 6432\nname = shop\nusername = app\npassword = ${secret}\n`;
    const portOnly = sessionSettings(read(`${base}direct_port = 5432\n`)).target;
    expect(portOnly).toMatchObject({ driver: 'postgres', host: 'pooler', port: 5432, name: 'shop', username: 'app', password: secret });
    if (portOnly.driver !== 'postgres') throw new Error('expected postgres');
    const url = new URL(portOnly.url);
    expect([url.hostname, url.port, decodeURIComponent(url.username), decodeURIComponent(url.password), url.pathname]).toEqual(['pooler', '5432', 'app', secret, '/shop']);
    expect(sessionSettings(read(`${base}direct_host = primary.internal\n`)).target).toMatchObject({ host: 'primary.internal', port: 6432, name: 'shop' });
    // DATABASE_URL is the main connection too; its query options stay.
    const fromEnv = sessionSettings(read('[database]\ndirect_host = ::1\ndirect_port = 5433\n', { DATABASE_URL: 'postgres://u:pw@pooler:6432/shop?sslmode=disable' })).target;
    expect(fromEnv).toMatchObject({ host: '::1', port: 5433, name: 'shop', username: 'u', password: 'pw', url: 'postgres://u:pw@[::1]:5433/shop?sslmode=disable' });
    // The server keeps the pooler.
    expect(read(`${base}direct_port = 5432\n`).target).toMatchObject({ host: 'pooler', port: 6432 });
  });

  it('refuses direct_url together with direct_host or direct_port, naming them', () => {
    const base = '[database]\nurl = postgres://u@pooler:6432/shop\ndirect_url = postgres://u@primary:5432/shop\n';
    expect(() => read(`${base}direct_port = 5432\n`)).toThrow(
      expect.objectContaining({ code: 'BT_DB_SETTING_CONFLICT', message: 'config.ini [database]: direct_url and direct_port both say where create_db and migrate connect' }),
    );
    expect(() => read(`${base}direct_host = primary\ndirect_port = 5432\n`)).toThrow(
      expect.objectContaining({ code: 'BT_DB_SETTING_CONFLICT', message: expect.stringContaining('direct_url and direct_host and direct_port both'), hint: expect.stringMatching(/^keep one/) }),
    );
  });

  it('checks direct_host and direct_port with the settings validators', () => {
    const base = '[database]\nurl = postgres://u@pooler:6432/shop\n';
    expect(() => read(`${base}direct_port = 65536\n`)).toThrow(
      expect.objectContaining({ code: 'BT_DB_SETTING_INVALID', message: 'config.ini [database] direct_port: "65536" is not a port number' }),
    );
    expect(() => read(`${base}direct_port = five\n`)).toThrow(/\[database\] direct_port: "five" is not a port number/);
    expect(() => read(`${base}direct_host =\n    a\n    b\n`)).toThrow(expect.objectContaining({ code: 'BT_DB_SETTING_INVALID', message: expect.stringContaining('[database] direct_host: expected one value') }));
    expect(() => read('[database]\ndriver = pglite\ndirect_port = 5432\n')).toThrow(
      expect.objectContaining({ code: 'BT_DB_SETTING_INVALID', message: expect.stringContaining('direct_port: the embedded database (PGlite) has no server') }),
    );
    // Empty means unset, as for every setting.
    expect(sessionSettings(read(`${base}direct_host =\ndirect_port =\n`)).target).toMatchObject({ host: 'pooler', port: 6432 });
  });

  it('reads durations, booleans and the isolation level', () => {
    const settings = read(
      '[database]\nurl = postgres://h/d\nstatement_timeout = 500ms\nidle_timeout = 2m\necho = yes\nprepare = false\nisolation_level = SERIALIZABLE\n',
    );
    expect(settings).toMatchObject({ statementTimeout: 500, idleTimeout: 120, echo: true, prepare: false, isolationLevel: 'serializable' });
  });

  it('reads extensions as a list, on one line or one a line, and rejects a name that is none', () => {
    expect(read('[database]\nextensions = vector, pg_trgm, uuid-ossp\n').extensions).toEqual(['vector', 'pg_trgm', 'uuid-ossp']);
    expect(read('[database]\nextensions =\n    citext\n    pg_trgm\n').extensions).toEqual(['citext', 'pg_trgm']);
    expect(read('[apps]\nactive =\n').extensions).toEqual([]);
    expect(() => read('[database]\nextensions = vector; drop\n')).toThrow(
      expect.objectContaining({ code: 'BT_DB_SETTING_INVALID', message: 'config.ini [database] extensions: "vector; drop" is not a valid name' }),
    );
  });

  it('rejects an unknown key, naming the line and the closest setting', () => {
    expect(() => read('[database]\nhots = x\n')).toThrow(
      expect.objectContaining({ code: 'BT_CONFIG_UNKNOWN_SETTING', message: 'config.ini:2: [database] has no setting "hots"', hint: expect.stringMatching(/^did you mean "host"\?/) }),
    );
    // A config given in code has no lines; the check is the same.
    expect(() => readDatabaseSettings({ database: { pool_sise: '3' } }, { projectDir })).toThrow(/config\.ini: \[database\] has no setting "pool_sise"/);
  });

  it('rejects bad values, naming the setting', () => {
    expect(() => read('[database]\nurl = mysql://h/d\n')).toThrow(/url must start with postgres:\/\//);
    expect(() => read('[database]\nhost = h\n')).toThrow(/"name" is required/);
    expect(() => read('[database]\ndriver = sqlite\n')).toThrow(/\[database\] driver: "sqlite" is not known/);
    expect(() => read('[database]\nurl = postgres://h/d\npool_size = 0\n')).toThrow(/\[database\] pool_size: "0" is not a whole number of 1 or more/);
    expect(() => read('[database]\nurl = postgres://h/d\nisolation_level = chaos\n')).toThrow(/isolation_level/);
  });

  it('describes a target without the password', () => {
    const settings = read('[database]\nurl = postgres://u:secret@h:5432/d\n');
    expect(describeTarget(settings.target)).toBe('PostgreSQL database "d" on h:5432');
  });
});
