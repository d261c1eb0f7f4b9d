/** The pieces that read settings and register hooks, one rule at a time. */
import { describe, expect, it } from 'vitest';
import { createHostCheck } from '../../runtime/http/hosts.js';
import { Hooks } from '../../runtime/index.js';
import { parseSize, readNetworkingSettings } from '../../runtime/project/networking.js';

describe('allowed_hosts matching', () => {
  it('matches a name on any port, a name:port exactly, and subdomains of *.name or .name', () => {
    const check = createHostCheck(['example.com', 'api.test:8443', '*.example.org', '.example.net']);
    const allowed = (host: string) => check(host, undefined);
    expect(allowed('example.com')).toBe(true);
    expect(allowed('EXAMPLE.com:80')).toBe(true);
    expect(allowed('api.test:8443')).toBe(true);
    expect(allowed('api.test')).toBe(false);
    expect(allowed('api.test:80')).toBe(false);
    expect(allowed('x.example.org')).toBe(true);
    expect(allowed('example.org')).toBe(false);
    expect(allowed('a.b.example.net:1')).toBe(true);
    expect(allowed('badexample.com')).toBe(false);
  });

  it('refuses a request without Host unless * is listed', () => {
    expect(createHostCheck('example.com')(undefined, undefined)).toBe(false);
    expect(createHostCheck('example.com')('', undefined)).toBe(false);
    expect(createHostCheck('*')(undefined, undefined)).toBe(true);
  });

  it('reads several names on one line, and checks the first X-Forwarded-Host', () => {
    const check = createHostCheck('a.test b.test');
    expect(check('b.test', undefined)).toBe(true);
    expect(check('a.test', 'b.test, proxy.internal')).toBe(true);
    expect(check('a.test', 'c.test')).toBe(false);
  });

  it('allows nothing when the setting is present but empty', () => {
    expect(createHostCheck('')('localhost', undefined)).toBe(false);
  });

  it('gives the same answers when asked again, also after more distinct hosts than it remembers', () => {
    const check = createHostCheck(['example.com', '*.example.org']);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 600; i++) {
        expect(check(`h${i}.example.org`, undefined)).toBe(true);
        expect(check(`h${i}.other.test`, undefined)).toBe(false);
      }
      expect(check('example.com:8000', undefined)).toBe(true);
      expect(check('example.org', undefined)).toBe(false);
    }
  });

  it('allows loopback names only when the setting is absent', () => {
    const check = createHostCheck(undefined);
    expect(check('127.0.0.1:8000', undefined)).toBe(true);
    expect(check('localhost', undefined)).toBe(true);
    expect(check('[::1]:8000', undefined)).toBe(true);
    expect(check('10.0.0.1:8000', undefined)).toBe(false);
  });
});

describe('[networking] values', () => {
  it('reads sizes in bytes or with a 1024-based unit', () => {
    expect(parseSize('1048576', 'x')).toBe(1048576);
    expect(parseSize('512kb', 'x')).toBe(512 * 1024);
    expect(parseSize('10mb', 'x')).toBe(10 * 1024 * 1024);
    expect(parseSize('1 GiB', 'x')).toBe(1024 ** 3);
    expect(parseSize('1.5k', 'x')).toBe(1536);
    expect(() => parseSize('10 megs', 'c.ini [networking] max_body_size')).toThrow(/c\.ini \[networking\] max_body_size: "10 megs" is not a size/);
  });

  it('fills in defaults and reads shutdown_timeout in seconds', () => {
    expect(readNetworkingSettings({})).toEqual({
      host: '127.0.0.1',
      port: 8000,
      allowedHosts: undefined,
      maxBodySize: 1024 * 1024,
      shutdownTimeout: 10_000,
      requestTimeout: 30_000,
      headersTimeout: 10_000,
      health: undefined,
      healthTimeout: 2_000,
      // Off under vitest; on elsewhere (see access-log.test.ts).
      accessLog: false,
    });
    expect(readNetworkingSettings({ networking: { shutdown_timeout: '2.5' } }).shutdownTimeout).toBe(2500);
  });

  it('reads request_timeout and headers_timeout in seconds; 0 is no limit', () => {
    const read = (networking: Record<string, string>) => {
      const { requestTimeout, headersTimeout } = readNetworkingSettings({ networking }, 'c.ini');
      return { requestTimeout, headersTimeout };
    };
    expect(read({ request_timeout: '60', headers_timeout: '5' })).toEqual({ requestTimeout: 60_000, headersTimeout: 5000 });
    // A shorter request limit also shortens the default headers limit.
    expect(read({ request_timeout: '4' })).toEqual({ requestTimeout: 4000, headersTimeout: 4000 });
    expect(read({ request_timeout: '0', headers_timeout: '120' })).toEqual({ requestTimeout: 0, headersTimeout: 120_000 });
    expect(read({ request_timeout: '0' })).toEqual({ requestTimeout: 0, headersTimeout: 10_000 });
    expect(read({ headers_timeout: '0' })).toEqual({ requestTimeout: 30_000, headersTimeout: 0 });
  });

  it('refuses a headers_timeout longer than request_timeout, and a value that is not a duration', () => {
    expect(() => readNetworkingSettings({ networking: { request_timeout: '5', headers_timeout: '10' } }, 'c.ini')).toThrow(
      /c\.ini \[networking\] headers_timeout: 10 s is longer than request_timeout \(5 s\)/,
    );
    expect(() => readNetworkingSettings({ networking: { request_timeout: 'soon' } }, 'c.ini')).toThrow(
      /c\.ini \[networking\] request_timeout: "soon" is not a duration/,
    );
    expect(() => readNetworkingSettings({ networking: { headers_timeout: '-1' } }, 'c.ini')).toThrow(/headers_timeout: "-1"/);
  });

  it('refuses a list where one value is expected', () => {
    expect(() => readNetworkingSettings({ networking: { port: ['1', '2'] } }, 'c.ini')).toThrow(/c\.ini \[networking\] port: expected one value/);
  });
});

describe('Hooks', () => {
  it('keeps handlers per event in registration order', () => {
    const first = () => undefined;
    const second = () => undefined;
    const hooks = new Hooks().event('startup', first).event('startup', second).event('custom', first);
    expect(hooks.handlers('startup')).toEqual([first, second]);
    expect(hooks.events()).toEqual(['startup', 'custom']);
    expect(hooks.handlers('shutdown')).toEqual([]);
  });

  it('refuses a handler that is not a function, naming the event', () => {
    expect(() => new Hooks().event('startup', 'nope' as never)).toThrow(/the handler of event "startup" must be a function/);
    expect(() => new Hooks().event('' as string, () => undefined)).toThrow(/non-empty string/);
  });
});
