/** `[database] casing` in the engine's own Drizzle handle and in a scoped session outside a request, on PostgreSQL and PGlite. */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { integer, numeric, pgTable, text } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../runtime/project/config.js';
import { getDbEngine, type DbEngine } from '../../runtime/db/engine.js';
import { getDbSession } from '../../runtime/db/get-db-session.js';
import { PG } from './support.js';

const ledgerEntries = pgTable('ledger_entries', { id: integer().primaryKey(), baseAmount: numeric({ precision: 12, scale: 2 }), memo: text('entry_memo') });
const schema = { ledgerEntries };
const DDL = 'create table ledger_entries (id integer primary key, base_amount numeric(12, 2), entry_memo text)';

describe.each(['postgres', 'pglite'] as const)('[database] casing = snake_case on the %s engine', (driver) => {
  const name = `casing_${randomBytes(5).toString('hex')}`;
  const admin = postgres({ ...PG, database: 'postgres', max: 1, onnotice: () => {} });
  let engine: DbEngine<typeof schema>;

  beforeAll(async () => {
    const where =
      driver === 'postgres' ? `url = postgres://${PG.username}@${PG.host}:${PG.port}/${name}` : 'path = memory://';
    if (driver === 'postgres') await admin.unsafe(`create database "${name}"`);
    const config = parseConfig(`[database]\n${where}\ncasing = snake_case\n`, 'config.ini', {});
    engine = await getDbEngine(config, { projectDir: '/tmp', schema });
    if (engine.driver === 'postgres') await engine.client.unsafe(DDL);
    else await engine.client.exec(DDL);
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    if (driver === 'postgres') await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 1 });
  });

  it('writes and reads base_amount through the engine and a scoped session, by the camelCase key', async () => {
    await engine.db.insert(ledgerEntries).values({ id: 1, baseAmount: '12.50', memo: 'pool' });
    const session = getDbSession(engine, () => 'job');
    await session().insert(ledgerEntries).values({ id: 2, baseAmount: '3.00', memo: 'session' });
    await session.commit();
    await session.remove();
    expect(await engine.db.select().from(ledgerEntries).orderBy(ledgerEntries.id)).toEqual([
      { id: 1, baseAmount: '12.50', memo: 'pool' },
      { id: 2, baseAmount: '3.00', memo: 'session' },
    ]);
    expect(await engine.db.select({ memo: ledgerEntries.memo }).from(ledgerEntries).where(eq(ledgerEntries.baseAmount, '3.00'))).toEqual([{ memo: 'session' }]);
  });
});
