/**
 * A throwaway PostgreSQL cluster for one test file (or one benchmark run):
 * its own data folder, its own port on 127.0.0.1 and its own socket folder,
 * so a test may stop, restart or break the server without touching the
 * shared one on 5432.
 *
 * ```ts
 * let cluster: Cluster;
 * beforeAll(async () => { cluster = await startCluster(); await cluster.createDatabase('app'); });
 * afterAll(async () => { await cluster?.destroy(); });
 *
 * const section = cluster.databaseSection('app', { pool_size: '5' }); // a [database] section
 * await cluster.stop();    // fast shutdown: sessions are ended, new connections refused
 * await cluster.start();   // the same data, the same port
 *
 * const replica = await startCluster({ replicaOf: cluster }); // a streaming replica of it
 * ```
 *
 * The server binaries refuse root, so every pg_ctl runs as the `postgres`
 * user (`runuser`) in a folder that user owns.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { ConfigSection } from '../../runtime/project/config.js';
import { randomServerPort } from './ports.js';

const run = promisify(execFile);

/** The cluster's superuser; logins are trusted (no password) on this private cluster. */
export const CLUSTER_USER = 'postgres';

/** A PostgreSQL cluster of a test file's own. */
export interface Cluster {
  /** Always 127.0.0.1. */
  readonly host: string;
  /** The port it listens on (kept across stop/start/restart). */
  readonly port: number;
  /** The temporary folder: `data/` (the cluster), `log` (the server log), the socket. */
  readonly dir: string;
  /** True while the server is started. */
  readonly running: boolean;
  /** An admin client on the `postgres` database (reconnects after a restart; fails while stopped). */
  readonly sql: postgres.Sql;
  /** The keys of a `[database]` section for `database` on this cluster, plus `extra`. */
  databaseSection(database: string, extra?: ConfigSection): ConfigSection;
  /** Creates a database (and returns a client on it, closed by `destroy()`). */
  createDatabase(name: string): Promise<postgres.Sql>;
  /** Stops the server (fast shutdown: open sessions are ended, their transactions rolled back). */
  stop(): Promise<void>;
  /** Starts a stopped server again on the same port. */
  start(): Promise<void>;
  /** Fast shutdown and start, as one pg_ctl restart. */
  restart(): Promise<void>;
  /** Ends every session on `database` except the admin client's; resolves to how many were ended. */
  terminateBackends(database: string): Promise<number>;
  /** The server log so far (for a failing test's message). */
  log(): Promise<string>;
  /** Stops the server at once and removes the folder. Safe to call twice; call it from afterAll. */
  destroy(): Promise<void>;
}

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  /** Extra server settings, e.g. `{ max_connections: '50' }` (passed as `-c name=value`). */
  settings?: Record<string, string>;
  /**
   * Makes a streaming replica of this running cluster instead of a fresh
   * one: `pg_basebackup -R` copies its data and writes the standby settings,
   * and the copy starts in recovery, following the primary.
   */
  replicaOf?: Cluster;
}

/** The newest PostgreSQL installed under /usr/lib/postgresql (its bin folder). */
export function serverBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((name) => /^\d+$/.test(name) && existsSync(path.join(root, name, 'bin', 'pg_ctl')))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}/<version>/bin`);
  const newest = versions.map(Number).sort((a, b) => b - a)[0]!;
  return path.join(root, String(newest), 'bin');
}

/** Makes a fresh cluster in a temporary folder and starts it on a free port. */
export async function startCluster(options: StartClusterOptions = {}): Promise<Cluster> {
  const bin = serverBinaries();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bt-cluster-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'log');
  const { uid, gid } = await postgresUser();
  await chown(dir, uid, gid);
  const asPostgres = (tool: string, args: string[]) =>
    run('runuser', ['-u', CLUSTER_USER, '--', path.join(bin, tool), ...args], { timeout: 60_000 });

  let port = 0;
  let running = false;
  let destroyed = false;
  let admin: postgres.Sql | undefined;
  const clients: postgres.Sql[] = [];
  const serverOptions = () =>
    [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      // Quiet and quick: nothing here is worth an fsync.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      ...Object.entries(options.settings ?? {}).map(([name, value]) => `-c ${name}=${value}`),
    ].join(' ');
  const pgCtl = (action: string, ...extra: string[]) =>
    asPostgres('pg_ctl', ['-D', data, '-o', serverOptions(), '-l', logFile, '-w', '-t', '30', ...extra, action]);

  try {
    const primary = options.replicaOf;
    if (primary === undefined) await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', CLUSTER_USER, '--no-sync', '-E', 'UTF8']);
    // --checkpoint=fast: the default spread checkpoint would take minutes once anything was written.
    else await asPostgres('pg_basebackup', ['-h', primary.host, '-p', String(primary.port), '-U', CLUSTER_USER, '-D', data, '-R', '--no-sync', '-X', 'stream', '--checkpoint=fast']);
    // A random high port, retried when taken: no window between probing a port and binding it.
    for (let attempt = 1; ; attempt++) {
      port = randomServerPort();
      try {
        await pgCtl('start');
        break;
      } catch (error) {
        const log = await readFile(logFile, 'utf8').catch(() => '');
        if (attempt < 8 && /could not bind|already in use|could not create any TCP\/IP sockets|lock file .* already exists/i.test(log)) continue;
        throw new Error(`the test cluster did not start on port ${port}: ${(error as Error).message}\n${log}`);
      }
    }
    running = true;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  // A test runner that gives up on a file (a timeout) may exit before afterAll: leave no server behind.
  const onExit = () => {
    if (destroyed) return;
    try {
      if (running) execFileSync('runuser', ['-u', CLUSTER_USER, '--', path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const connect = (database: string) =>
    postgres({
      host: '127.0.0.1',
      port,
      username: CLUSTER_USER,
      database,
      max: 1,
      onnotice: () => {},
      // The admin client must come back at once after a restart, not after postgres.js's long back-off.
      backoff: () => 0.05,
      connect_timeout: 5,
    });
  admin = connect('postgres');

  const cluster: Cluster = {
    host: '127.0.0.1',
    port,
    dir,
    get running() {
      return running;
    },
    sql: admin,
    databaseSection(database, extra = {}) {
      return { host: '127.0.0.1', port: String(port), name: database, username: CLUSTER_USER, ...extra };
    },
    async createDatabase(name) {
      await admin!.unsafe(`create database "${name.replace(/"/g, '""')}"`);
      const client = connect(name);
      clients.push(client);
      return client;
    },
    async stop() {
      await pgCtl('stop', '-m', 'fast');
      running = false;
    },
    async start() {
      await pgCtl('start');
      running = true;
    },
    async restart() {
      await pgCtl('restart', '-m', 'fast');
      running = true;
    },
    async terminateBackends(database) {
      const rows = await admin!`
        select pg_terminate_backend(pid) as ended from pg_stat_activity
        where datname = ${database} and pid <> pg_backend_pid()`;
      return rows.filter((row) => row.ended === true).length;
    },
    log() {
      return readFile(logFile, 'utf8').catch(() => '');
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await Promise.all([admin, ...clients].map((client) => client?.end({ timeout: 0 }).catch(() => {})));
      if (running) await pgCtl('stop', '-m', 'immediate').catch(() => {});
      running = false;
      process.removeListener('exit', onExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** The uid and gid of the `postgres` user, who owns what the server programs run on. */
export async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', CLUSTER_USER]), run('id', ['-g', CLUSTER_USER])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
