/**
 * A PgBouncer of a test file's (or a benchmark's) own, in front of the
 * shared PostgreSQL on 127.0.0.1:5432 or another server: its own config and
 * auth file in a temporary folder, its own port. PgBouncer refuses to run as
 * root, so it runs as the `postgres` user (`runuser`) when the caller is root.
 *
 * ```ts
 * const bouncer = await startPgbouncer();        // pool_mode = transaction
 * bouncer.url('shop');                           // postgres://postgres@127.0.0.1:<port>/shop
 * await bouncer.stop();                          // from afterAll
 * ```
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { postgresUser } from './cluster.js';
import { randomServerPort } from './ports.js';

const run = promisify(execFile);

/** Where Debian's `pgbouncer` package puts the program. */
export const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((file) => existsSync(file));

/**
 * Why the PgBouncer tests cannot run here, or undefined when they can. In CI
 * (`CI` or `BACKENDTS_REQUIRE_PGBOUNCER` set, as `.ci/run` does after
 * installing it) a missing program is a failure, not a skip.
 */
export function pgbouncerMissing(): string | undefined {
  if (PGBOUNCER !== undefined) return undefined;
  const reason = 'pgbouncer is not installed (apt-get install -y pgbouncer): the PgBouncer tests are skipped';
  if (process.env.CI || process.env.BACKENDTS_REQUIRE_PGBOUNCER) throw new Error(`${reason.split(':')[0]}, and CI must run these tests`);
  return reason;
}

/** A running PgBouncer. */
export interface Pgbouncer {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /** Its process id (for reading its CPU time). */
  readonly pid: number;
  /** A URL of `database` through it, as the server's user (PgBouncer trusts it and logs in with the auth file's password). */
  url(database: string): string;
  /** Its log so far (for a failing test's message). */
  log(): Promise<string>;
  /** Stops it and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startPgbouncer}. */
export interface PgbouncerOptions {
  /** `pool_mode`; default `transaction`. */
  poolMode?: 'session' | 'transaction';
  /** Server connections per database and user; default 4, fewer than the clients the tests open. */
  poolSize?: number;
  /** The PostgreSQL it passes connections to; default 127.0.0.1:5432 as user `postgres` with no password. */
  server?: { host: string; port: number; user?: string; password?: string };
}

/** Starts PgBouncer on a free port in front of `options.server` (127.0.0.1:5432), every database passed through. */
export async function startPgbouncer(options: PgbouncerOptions = {}): Promise<Pgbouncer> {
  if (PGBOUNCER === undefined) throw new Error('pgbouncer is not installed');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bt-pgbouncer-'));
  const asRoot = process.getuid?.() === 0;
  const logFile = path.join(dir, 'log');
  const pidFile = path.join(dir, 'pid');
  const server = { host: options.server?.host ?? '127.0.0.1', port: options.server?.port ?? 5432, user: options.server?.user ?? 'postgres', password: options.server?.password ?? '' };
  const quoted = (value: string) => `"${value.replace(/"/g, '""')}"`;
  await writeFile(path.join(dir, 'users.txt'), `${quoted(server.user)} ${quoted(server.password)}\n`);
  let port = 0;
  const start = async () => {
    // A retry starts with no log or pid file of the attempt before (whose "port taken" would be read as this one's).
    await Promise.all([rm(logFile, { force: true }), rm(pidFile, { force: true })]);
    const config = path.join(dir, 'pgbouncer.ini');
    await writeFile(
      config,
      [
        '[databases]',
        `* = host=${server.host} port=${server.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${path.join(dir, 'users.txt')}`,
        `pool_mode = ${options.poolMode ?? 'transaction'}`,
        `default_pool_size = ${options.poolSize ?? 4}`,
        'max_client_conn = 500',
        `logfile = ${logFile}`,
        `pidfile = ${pidFile}`,
        '',
      ].join('\n'),
    );
    if (asRoot) {
      const { uid, gid } = await postgresUser();
      await chown(dir, uid, gid);
      for (const file of ['pgbouncer.ini', 'users.txt']) await chown(path.join(dir, file), uid, gid);
    }
    const command = asRoot ? ['runuser', ['-u', 'postgres', '--', PGBOUNCER!, '-d', config]] as const : [PGBOUNCER!, ['-d', config]] as const;
    await run(command[0], [...command[1]], { timeout: 30_000 });
  };
  // A random high port, retried when taken.
  for (let attempt = 1; ; attempt++) {
    port = randomServerPort();
    try {
      await start();
      await waitUntilAnswering(port, server.user, logFile);
      break;
    } catch (error) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      if (attempt < 8 && PORT_TAKEN.test(log)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`pgbouncer did not start on port ${port}: ${(error as Error).message}\n${log}`);
    }
  }
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  let stopped = false;
  const signal = () => {
    try {
      if (pid > 0) process.kill(pid, 'SIGTERM');
    } catch {
      // Not running.
    }
  };
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    signal();
    rmSync(dir, { recursive: true, force: true });
  };
  // A runner that gives up on a file may exit before afterAll: leave no pgbouncer behind.
  process.once('exit', stopNow);
  return {
    port,
    pid,
    url: (database) => `postgres://${encodeURIComponent(server.user)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    async stop() {
      process.removeListener('exit', stopNow);
      // PgBouncer writes its log and removes its pid file as it exits: a folder removed meanwhile was left behind.
      if (!stopped) {
        signal();
        await exited(pid, 5_000);
      }
      stopNow();
    },
  };
}

/** Resolves once process `pid` is gone, or after `timeout` ms. */
async function exited(pid: number, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What PgBouncer logs when its port is taken: it exits, and whatever holds the port must not be mistaken for it. */
const PORT_TAKEN = /Address already in use|nowhere to listen/i;

/**
 * Waits until PgBouncer answers on `port`. Each attempt is bounded: a port
 * held by another program (which accepts the connection but never answers
 * PostgreSQL's protocol) must fail the attempt, not hang it. Fails at once
 * once PgBouncer's log says it could not listen.
 */
async function waitUntilAnswering(port: number, username: string, logFile: string): Promise<void> {
  const sql = postgres({ host: '127.0.0.1', port, username, database: 'postgres', max: 1, prepare: false, onnotice: () => {}, connect_timeout: 2 });
  try {
    for (let attempt = 0; ; attempt++) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      if (PORT_TAKEN.test(log)) throw new Error(`port ${port} is taken`);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          sql.unsafe('select 1'),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer on port ${port} within 3 s`)), 3_000);
          }),
        ]);
        return;
      } catch (error) {
        if (attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
}
