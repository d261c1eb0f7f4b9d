/** bp.getCurrentRequest(): the request in progress, through AsyncLocalStorage. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendtsError } from '../../runtime/index.js';
import { project, send, serveProject, type Served } from './support.js';

describe('the current request', () => {
  let served: Served;

  beforeAll(async () => {
    served = await serveProject('basic');
  });

  afterAll(() => served.bp.close());

  it('gives each of 100 concurrent requests its own request, across awaits', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => i);
    const replies = await Promise.all(ids.map((id) => send(served.port, `/current?id=${id}`)));
    expect(replies.map((reply) => reply.json)).toEqual(ids.map((id) => ({ id: String(id), same: true })));
  });

  it('fails with BT_NO_REQUEST outside of a request', () => {
    let caught: unknown;
    try {
      served.bp.getCurrentRequest();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BackendtsError);
    expect((caught as BackendtsError).code).toBe('BT_NO_REQUEST');
    expect((caught as BackendtsError).message).toMatch(/outside of a request/);
  });

  it('is the request seen by hooks, and no request once the request has ended', async () => {
    const seen: string[] = [];
    served.bp.event('request_start', ({ request }) => {
      seen.push(served.bp.getCurrentRequest() === request ? 'same' : 'different');
    });
    await send(served.port, '/hello');
    expect(seen).toEqual(['same']);
    expect(() => served.bp.getCurrentRequest()).toThrow(BackendtsError);
  });

  it('keeps two instances in one process apart', async () => {
    const other = project('basic').bp;
    const listening = await other.listen({ port: 0, signals: false });
    try {
      const seenByOther: string[] = [];
      const firstSaw: string[] = [];
      other.event('request_start', ({ request }) => {
        seenByOther.push(request.path);
        // The first instance has no request of its own here.
        try {
          firstSaw.push(served.bp.getCurrentRequest().path);
        } catch (error) {
          firstSaw.push((error as BackendtsError).code);
        }
      });
      await send(listening.port, '/hello');
      await send(served.port, '/items/1');
      expect(seenByOther).toEqual(['/hello']);
      expect(firstSaw).toEqual(['BT_NO_REQUEST']);
      expect(other.context).not.toBe(served.bp.context);
    } finally {
      await other.close();
    }
  });
});
