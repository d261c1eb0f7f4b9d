/**
 * Runs one `generate` in a fresh Node process and sends the outcome to the
 * parent over IPC. Watch mode uses it because an ESM module, once imported,
 * cannot be imported again: a changed model module needs a new process.
 */
import { registerDrizzleOrmResolve } from '../runtime/project/drizzle-orm-resolve.js';
import type { WatchMessage } from './watch-message.js';

// Before drizzle-orm is first imported (through generate.js): see drizzle-orm-resolve.ts.
registerDrizzleOrmResolve();
const { generate } = await import('./generate.js');

const [projectDir, env] = process.argv.slice(2);

function send(message: WatchMessage): void {
  process.send?.(message, () => process.disconnect());
}

try {
  const result = await generate({ projectDir: projectDir!, env: env || undefined });
  send({
    ok: true,
    files: result.files,
    hash: result.hash,
    entries: result.entries.map(({ object: _object, ...entry }) => entry),
  });
} catch (error) {
  const e = error as { code?: unknown; message?: unknown; hint?: unknown; stack?: unknown; cause?: { stack?: unknown } };
  send({
    ok: false,
    error: {
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : String(error),
      hint: typeof e.hint === 'string' ? e.hint : undefined,
      stack: typeof e.stack === 'string' ? e.stack : undefined,
      causeStack: typeof e.cause?.stack === 'string' ? e.cause.stack : undefined,
    },
  });
}
