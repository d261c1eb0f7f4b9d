/** The throwaway cluster the fault tests stop and restart: it must do what its doc comments say. */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../tools/postgres/cluster.js';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('startCluster', () => {
  it('runs a server of its own, not the shared one, and survives stop, start and restart', async () => {
    expect(cluster.port).not.toBe(5432);
    const client = await cluster.createDatabase('harness');
    await client`create table t (n int)`;
    await client`insert into t values (1)`;

    await cluster.stop();
    expect(cluster.running).toBe(false);
    await expect(client`select 1`).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|57P01|CONNECTION_CLOSED/) });

    await cluster.start();
    expect((await client`select count(*)::int as n from t`)[0]!.n).toBe(1);

    await cluster.restart();
    expect((await client`select count(*)::int as n from t`)[0]!.n).toBe(1);
    expect(cluster.databaseSection('harness')).toMatchObject({ host: '127.0.0.1', port: String(cluster.port), name: 'harness' });
  });

  it('ends the sessions of one database', async () => {
    const client = await cluster.createDatabase('victim');
    await client`select 1`;
    expect(await cluster.terminateBackends('victim')).toBe(1);
    // Let the client see its socket close: postgres.js loses a statement sent between a socket error and the close.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await client`select 1 as one`)[0]!.one).toBe(1);
  });

  it('removes its folder on destroy', async () => {
    const other = await startCluster();
    expect(existsSync(other.dir)).toBe(true);
    await other.destroy();
    expect(existsSync(other.dir)).toBe(false);
    await other.destroy();
  });
});
