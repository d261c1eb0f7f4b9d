/**
 * backendts/testing's in-process client: requests go through node:http and
 * the project's whole request path with no port opened.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Backendts } from '../../runtime/index.js';
import { createTestClient } from '../../testing/index.js';
import { quietLogger } from '../db/support.js';

const bp = new Backendts({ projectDir: path.resolve(import.meta.dirname, '../../fixtures/runtime/basic'), logger: quietLogger() });
const client = createTestClient(bp);

afterAll(async () => {
  await bp.close();
});

describe('createTestClient', () => {
  it('answers a request without opening a port', async () => {
    const response = await client.get('/items/42');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ status: 'success', data: { id: 42 } });
    expect(process.getActiveResourcesInfo()).not.toContain('TCPServerWrap');
  });

  it('sends a JSON body and headers', async () => {
    const response = await client.post('/echo', { json: { name: 'ada' }, headers: { 'x-request-id': 'r1' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ body: { name: 'ada' } });
    const raw = await client.request('/echo', { method: 'post', body: 'plain', headers: { 'content-type': 'text/plain' } });
    expect(await raw.json()).toEqual({ body: 'plain' });
  });

  it('gives error responses, HEAD answers and the Allow header as a server would', async () => {
    const missing = await client.get('/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 'error', code: 'not_found' });
    const wrongMethod = await client.delete('/hello');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const head = await client.request('/hello', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('5');
    expect(await head.text()).toBe('');
  });

  it('serves concurrent requests, each its own', async () => {
    const replies = await Promise.all(Array.from({ length: 50 }, (_, id) => client.get(`/current?id=${id}`).then((response) => response.json())));
    expect(replies).toEqual(Array.from({ length: 50 }, (_, id) => ({ id: String(id), same: true })));
  });
});
