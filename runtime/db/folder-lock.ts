/**
 * A lock on the embedded database's data folder. PGlite gives two processes
 * on one folder no error, and one's writes are silently lost; so whoever
 * opens the folder writes its pid into a lock file there, and anyone else
 * (another process, or a second engine in this one) is refused until it is
 * released. A lock left by a process that no longer runs is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { BackendtsError } from '../errors.js';

/** Name of the lock file inside the data folder. */
export const LOCK_FILE_NAME = 'backendts.lock';

/** A held lock; `release()` removes the lock file (once). */
export interface FolderLock {
  /** The lock file. */
  readonly file: string;
  /** Removes the lock file if it is still ours. */
  release(): void;
}

/** Creates `folder` when missing and locks it for this process; fails with `BT_DB_LOCKED` when it is held. */
export function lockFolder(folder: string): FolderLock {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, LOCK_FILE_NAME);
  // Two tries: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(file)) return heldLock(file);
    const holder = readHolder(file);
    if (holder !== undefined && holder !== process.pid && isRunning(holder)) throw lockedError(folder, holder, false);
    if (holder === process.pid) throw lockedError(folder, holder, true);
    removeQuietly(file);
  }
  const holder = readHolder(file);
  throw lockedError(folder, holder ?? 0, holder === process.pid);
}

function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new BackendtsError('BT_DB_LOCK_FAILED', `cannot create the lock file ${file}`, {
      hint: 'check that the database folder is writable',
      cause: error,
    });
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function heldLock(file: string): FolderLock {
  let released = false;
  // A crash or process.exit() skips close(): drop the lock on the way out.
  const onExit = (): void => release();
  process.once('exit', onExit);
  function release(): void {
    if (released) return;
    released = true;
    process.removeListener('exit', onExit);
    if (readHolder(file) === process.pid) removeQuietly(file);
  }
  return { file, release };
}

/** The pid in the lock file; undefined when it is unreadable (being written, or garbage). */
function readHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function lockedError(folder: string, pid: number, self: boolean): BackendtsError {
  return new BackendtsError(
    'BT_DB_LOCKED',
    self
      ? `the embedded database at ${folder} is already open in this process (pid ${pid})`
      : `the embedded database at ${folder} is in use by another process (pid ${pid})`,
    {
      hint: self
        ? 'open one engine per data folder and share it (bp.context.db_engine), or close the first one before opening it again'
        : 'the embedded database serves one process: stop the other one, run a single worker, or use PostgreSQL (set [database] host or url)',
    },
  );
}
