/**
 * The embedded database serves one process: its folder is locked while open,
 * another process (or a second engine in this one) is refused with the pid
 * holding it, and the lock dies with its holder, whatever pid a lock file
 * names (pids are reused: a container's server is pid 1 every time).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDbEngine, type DbEngine } from '../../runtime/db/index.js';
import { LOCK_FILE_NAME } from '../../runtime/db/folder-lock.js';
import { assertBuilt } from '../support/cli.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'open-engine-child.mjs');
const childArgs = (folder: string, ...rest: string[]): string[] => [child, folder, ...rest];

/** Whether this machine lets us start a process as pid 1 of a new PID namespace (root and util-linux unshare). */
const canUnshare =
  process.platform === 'linux' &&
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' }).status === 0;

/** Opens the folder's database in another process (as pid 1 of a new PID namespace with `asPid1`). */
function openElsewhere(folder: string, asPid1 = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, args] = asPid1
    ? ['unshare', ['--pid', '--fork', '--mount-proc', process.execPath, ...childArgs(folder)]]
    : [process.execPath, childArgs(folder)];
  return new Promise((resolve) => {
    execFile(command, args, { cwd: process.cwd() }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const holders: ChildProcess[] = [];

/** Starts a process that opens the folder's database and holds it; resolves once it is open. */
async function holdElsewhere(folder: string, asPid1 = false): Promise<{ proc: ChildProcess; pid: number; shownPid: number }> {
  const proc = asPid1
    ? spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, ...childArgs(folder, 'hold')], { cwd: process.cwd() })
    : spawn(process.execPath, childArgs(folder, 'hold'), { cwd: process.cwd() });
  holders.push(proc);
  let out = '';
  let err = '';
  proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const shownPid = await new Promise<number>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /opened (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    proc.once('exit', () => reject(new Error(`the holder exited before opening: ${err}`)));
  });
  // unshare --fork runs the command as its child: that child (pid 1 inside) holds the lock.
  const pid = asPid1 ? Number(readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim()) : proc.pid!;
  return { proc, pid, shownPid };
}

function killHard(pid: number, proc: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  process.kill(pid, 'SIGKILL');
  return exited;
}

afterEach(() => {
  for (const proc of holders.splice(0)) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
});

describe('the embedded database folder lock', () => {
  let folder: string;
  let engine: DbEngine | undefined;

  beforeAll(async () => {
    assertBuilt();
    folder = path.join(mkdtempSync(path.join(tmpdir(), 'bt-lock-')), 'db');
    engine = await getDbEngine({ database: { path: folder } });
  });

  afterAll(async () => {
    await engine?.close();
    rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('refuses a second process, naming the folder and the pid holding it', async () => {
    const other = await openElsewhere(folder);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('BT_DB_LOCKED');
    expect(other.stderr).toContain(folder);
    expect(other.stderr).toContain(`pid ${process.pid}`);
  });

  it('refuses a second engine on the same folder in this process', async () => {
    await expect(getDbEngine({ database: { path: folder } })).rejects.toMatchObject({
      code: 'BT_DB_LOCKED',
      message: expect.stringContaining('already open in this process'),
    });
  });

  it('frees the folder when closed', async () => {
    await engine!.close();
    engine = undefined;
    expect(existsSync(path.join(folder, LOCK_FILE_NAME))).toBe(false);
    const other = await openElsewhere(folder);
    expect(other.stderr).toBe('');
    expect(other.stdout).toContain('opened');
    expect(existsSync(path.join(folder, LOCK_FILE_NAME))).toBe(false);
  });

  it('is not blocked by a lock file naming a live process that does not hold it', async () => {
    for (const pid of [1, process.ppid, process.pid]) {
      writeFileSync(path.join(folder, LOCK_FILE_NAME), `${pid}\n`);
      const other = await openElsewhere(folder);
      expect(other.stderr).toBe('');
      expect(other.stdout).toContain('opened');
    }
    writeFileSync(path.join(folder, LOCK_FILE_NAME), `${process.pid}\n`);
    engine = await getDbEngine({ database: { path: folder } });
    await engine.close();
    engine = undefined;
  });

  it('refuses a process while another holds the folder, and frees it when the holder is killed with SIGKILL', async () => {
    const holder = await holdElsewhere(folder);
    await expect(getDbEngine({ database: { path: folder } })).rejects.toMatchObject({
      code: 'BT_DB_LOCKED',
      message: expect.stringContaining(`in use by another process (pid ${holder.pid})`),
    });
    const other = await openElsewhere(folder);
    expect(other.stderr).toContain('BT_DB_LOCKED');
    await killHard(holder.pid, holder.proc);
    expect(existsSync(path.join(folder, LOCK_FILE_NAME))).toBe(true);
    engine = await getDbEngine({ database: { path: folder } });
    await engine.close();
    engine = undefined;
  });

  it.skipIf(!canUnshare)('opens again as pid 1 after a pid-1 holder was killed with SIGKILL (a restarted container)', async () => {
    const first = await holdElsewhere(folder, true);
    expect(first.shownPid).toBe(1);
    const meanwhile = await openElsewhere(folder, true);
    expect(meanwhile.stderr).toContain('BT_DB_LOCKED');
    expect(meanwhile.stderr).toContain('in use by another process (pid 1)');
    await killHard(first.pid, first.proc);
    const again = await openElsewhere(folder, true);
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain('opened');
  });
});
