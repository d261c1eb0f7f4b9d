/**
 * A lock on the embedded database's data folder. PGlite gives two processes
 * on one folder no error, and one's writes are silently lost; so whoever
 * opens the folder holds an OS file lock (flock) on a lock file there, and
 * anyone else (another process, or a second engine in this one) is refused
 * until it is released. The kernel drops the lock when its holder dies, even
 * by SIGKILL, so no stale lock outlives a crash, and no pid is trusted: pids
 * are reused (a container's server is always pid 1) and mean nothing across
 * PID namespaces sharing one volume. The pid written into the file only
 * names the holder in the error.
 */
import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { BackendtsError } from '../core/errors.js';
import { loadFlock } from './os-file-lock.js';

/** Name of the lock file inside the data folder. */
export const LOCK_FILE_NAME = 'backendts.lock';

/** A held lock; `release()` removes the lock file and drops the lock (once). */
export interface FolderLock {
  /** The lock file. */
  readonly file: string;
  /** Removes the lock file and drops the lock. */
  release(): void;
}

/** Lock files held by this process, by device and inode: flock alone cannot tell "this process" from "another". */
const heldHere = new Set<string>();

/** Creates `folder` when missing and locks it for this process; fails with `BT_DB_LOCKED` when it is held. */
export function lockFolder(folder: string): FolderLock {
  const flock = loadFlock(folder);
  const file = path.join(folder, LOCK_FILE_NAME);
  for (;;) {
    const fd = openLockFile(folder, file);
    const id = fileId(fstatSync(fd));
    if (heldHere.has(id)) {
      closeSync(fd);
      throw lockedError(folder, process.pid, true);
    }
    try {
      flock(fd, 'exnb');
    } catch (error) {
      closeSync(fd);
      if (isWouldBlock(error)) throw lockedError(folder, readHolder(file), false);
      throw lockFailed(file, error);
    }
    // The previous holder removes the file before dropping the lock: if we locked a removed file, try again.
    if (currentId(file) !== id) {
      closeSync(fd);
      continue;
    }
    ftruncateSync(fd);
    writeSync(fd, `${process.pid}\n`, 0);
    return heldLock(file, fd, id);
  }
}

function openLockFile(folder: string, file: string): number {
  try {
    mkdirSync(folder, { recursive: true });
    return openSync(file, constants.O_RDWR | constants.O_CREAT, 0o644);
  } catch (error) {
    throw lockFailed(file, error);
  }
}

function heldLock(file: string, fd: number, id: string): FolderLock {
  heldHere.add(id);
  let released = false;
  // The kernel drops the lock on any exit; this only tidies the file away.
  const onExit = (): void => release();
  process.once('exit', onExit);
  function release(): void {
    if (released) return;
    released = true;
    process.removeListener('exit', onExit);
    heldHere.delete(id);
    try {
      unlinkSync(file);
    } catch {
      // Already gone, or the folder was removed: closing still drops the lock.
    }
    closeSync(fd);
  }
  return { file, release };
}

function fileId(stats: { dev: number; ino: number }): string {
  return `${stats.dev}:${stats.ino}`;
}

function currentId(file: string): string | undefined {
  try {
    return fileId(statSync(file));
  } catch {
    return undefined;
  }
}

function isWouldBlock(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EWOULDBLOCK' || code === 'EAGAIN';
}

/** The pid its holder wrote; undefined when unreadable (being written, or garbage). */
function readHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function lockFailed(file: string, cause: unknown): BackendtsError {
  return new BackendtsError('BT_DB_LOCK_FAILED', `cannot create or lock the lock file ${file}`, {
    hint: 'check that the database folder is writable and on a local file system that supports file locks',
    cause,
  });
}

function lockedError(folder: string, pid: number | undefined, self: boolean): BackendtsError {
  const holder = pid === undefined ? '' : ` (pid ${pid})`;
  return new BackendtsError(
    'BT_DB_LOCKED',
    self
      ? `the embedded database at ${folder} is already open in this process${holder}`
      : `the embedded database at ${folder} is in use by another process${holder}`,
    {
      hint: self
        ? 'open one engine per data folder and share it (bp.context.db_engine), or close the first one before opening it again'
        : 'the embedded database serves one process: stop the other one, run a single worker, or use PostgreSQL (set [database] host or url)',
    },
  );
}
