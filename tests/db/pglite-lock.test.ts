/**
 * The embedded database serves one process: its folder is locked while open,
 * another process (or a second engine in this one) is refused with the pid
 * holding it, and a lock left by a dead process is taken over.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbEngine, type DbEngine } from '../../runtime/db/index.js';
import { LOCK_FILE_NAME } from '../../runtime/db/folder-lock.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'open-engine-child.ts');

/** Opens the folder's database in another process. */
function openElsewhere(folder: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', child, folder], { cwd: process.cwd() }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('the embedded database folder lock', () => {
  let folder: string;
  let engine: DbEngine | undefined;

  beforeAll(async () => {
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

  it('takes over the lock of a process that no longer runs, and frees the folder when closed', async () => {
    await engine!.close();
    engine = undefined;
    expect(existsSync(path.join(folder, LOCK_FILE_NAME))).toBe(false);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(path.join(folder, LOCK_FILE_NAME), `${dead}\n`);
    const other = await openElsewhere(folder);
    expect(other.stderr).toBe('');
    expect(other.stdout).toContain('opened');
    expect(existsSync(path.join(folder, LOCK_FILE_NAME))).toBe(false);
  });
});
