/**
 * Refuses to run `create_db` or `migrate` through a transaction pooler
 * (PgBouncer in pool_mode = transaction). Their advisory lock belongs to a
 * server session: through such a pooler it stays on a pooled server
 * connection after the command ends, and the next run, handed another one,
 * waits for it forever.
 */
import type postgres from 'postgres';
import { BackendtsError } from '../../runtime/core/errors.js';
import { describeTarget, type PostgresTarget } from '../../runtime/db/settings.js';

/** Rounds of the check: a busy pooler may hand an idle server connection to someone else in between. */
const ROUNDS = 3;

/**
 * Fails with `BT_DB_TRANSACTION_POOLER` when two open connections of ours
 * answer from one server process: on PostgreSQL itself (or a session pooler)
 * each connection has a process of its own, while a transaction pooler
 * hands its idle server connection to whichever client asks next.
 */
export async function refuseTransactionPooler(first: postgres.Sql, second: postgres.Sql, target: PostgresTarget): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const [a] = await first.unsafe('select pg_backend_pid() as pid');
    const [b] = await second.unsafe('select pg_backend_pid() as pid');
    if (a?.pid !== b?.pid) continue;
    throw new BackendtsError(
      'BT_DB_TRANSACTION_POOLER',
      `${describeTarget(target)} is reached through a transaction pooler (two connections were served by one server process, ${a?.pid}): create_db and migrate need a session of their own for their lock`,
      { hint: 'set [database] direct_url to a URL that reaches PostgreSQL itself, not the pooler (postgres://user@db-host:5432/name), or direct_host and/or direct_port (the same database and user on another host or port): create_db and migrate use it' },
    );
  }
}
