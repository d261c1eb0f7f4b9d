/**
 * The access log (one structured line per request), the request id, and a
 * real pino logger given as the `logger` option as it is.
 */
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Backendts, parseConfig, type Logger } from '../../runtime/index.js';
import { readNetworkingSettings } from '../../runtime/project/networking.js';
import { createTestClient, type TestClient } from '../../testing/index.js';
import { logInto, type LogCall } from '../support/log-call.js';
import { FIXTURES } from './support.js';

const projectDir = path.join(FIXTURES, 'pipeline');
const config = (networking: string) => parseConfig(`[networking]\n${networking}\n[apps]\nactive = apps/pipe\n`, 'config.ini');

describe('the access log', () => {
  let bp: Backendts;
  let client: TestClient;
  const lines: LogCall[] = [];

  beforeAll(() => {
    const logger: Logger = { error: () => undefined, warn: () => undefined, info: logInto((call) => lines.push(call)) };
    bp = new Backendts({ projectDir, config: config('access_log = on'), logger });
    client = createTestClient(bp);
  });

  afterAll(() => bp.close());

  async function logged(target: string, init?: Parameters<TestClient['request']>[1]): Promise<{ reply: globalThis.Response; line: LogCall | undefined }> {
    lines.length = 0;
    const reply = await client.request(target, init);
    await reply.arrayBuffer();
    return { reply, line: lines.find((call) => call.message === 'request completed') };
  }

  it('writes one line per request: method, url, status, duration and request id as fields', async () => {
    const { reply, line } = await logged('/hello?page=2');
    expect(lines.filter((call) => call.message === 'request completed')).toHaveLength(1);
    expect(line!.fields).toEqual({
      method: 'GET',
      url: '/hello?page=2',
      status: 200,
      duration_ms: expect.any(Number),
      request_id: reply.headers.get('x-request-id'),
    });
    expect(line!.fields.duration_ms).toBeGreaterThanOrEqual(0);
    expect((await logged('/nowhere')).line!.fields.status).toBe(404);
    expect((await logged('/fail')).line!.fields.status).toBe(500);
  });

  it('leaves out the requests of a route with accessLog: false', async () => {
    const { reply, line } = await logged('/health');
    expect(reply.status).toBe(200);
    expect(line).toBeUndefined();
  });

  it('keeps a request id sent as a short token, and makes one for a missing or unfit one', async () => {
    const kept = await logged('/hello', { headers: { 'x-request-id': 'edge-7f3a.01:b' } });
    expect(kept.reply.headers.get('x-request-id')).toBe('edge-7f3a.01:b');
    expect(kept.line!.fields.request_id).toBe('edge-7f3a.01:b');
    const made = new Set<string>();
    for (const sent of [undefined, 'x'.repeat(129), 'has spaces', 'semi;colon', '']) {
      const { reply, line } = await logged('/hello', sent === undefined ? {} : { headers: { 'x-request-id': sent } });
      const id = reply.headers.get('x-request-id')!;
      expect(id).toMatch(/^[\w-]{8}-[0-9a-z]+$/);
      expect(line!.fields.request_id).toBe(id);
      made.add(id);
    }
    expect(made.size).toBe(5);
  });

  it('is off under the test runner unless turned on, and refuses a value that is not on or off', () => {
    expect(readNetworkingSettings(config('')).accessLog).toBe(false);
    expect(readNetworkingSettings(config('access_log = on')).accessLog).toBe(true);
    expect(() => readNetworkingSettings(config('access_log = loud'))).toThrow('config.ini [networking] access_log: "loud" is not a yes/no value');
  });

  it('is on by default outside a test runner', () => {
    vi.stubEnv('VITEST', undefined);
    vi.stubEnv('NODE_ENV', 'production');
    try {
      expect(readNetworkingSettings(config('')).accessLog).toBe(true);
      vi.stubEnv('NODE_ENV', 'test');
      expect(readNetworkingSettings(config('')).accessLog).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('still sets x-request-id when the access log is off', async () => {
    const quiet = new Backendts({ projectDir, config: config(''), logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
    const reply = await createTestClient(quiet).get('/hello');
    expect(reply.headers.get('x-request-id')).toMatch(/^[\w-]{8}-0$/);
    await quiet.close();
  });
});

describe('a pino logger as the logger option', () => {
  it('gets the access line and errors (with their stack under err) as pino objects', async () => {
    const written: Record<string, any>[] = [];
    const logger = pino({ base: null }, { write: (line: string) => void written.push(JSON.parse(line)) });
    const bp = new Backendts({ projectDir, config: config('access_log = on'), logger });
    const client = createTestClient(bp);
    const reply = await client.get('/fail');
    expect(reply.status).toBe(500);
    await bp.close();
    const failure = written.find((line) => line.level === 50)!;
    expect(failure.msg).toBe('GET /fail: unhandled error (sent as server_error)');
    expect(failure.err).toMatchObject({ type: 'Error', message: 'boom', stack: expect.stringContaining('boom') });
    expect(failure.request_id).toBe(reply.headers.get('x-request-id'));
    const access = written.find((line) => line.msg === 'request completed')!;
    expect(access).toMatchObject({ level: 30, method: 'GET', url: '/fail', status: 500, request_id: reply.headers.get('x-request-id') });
  });
});
