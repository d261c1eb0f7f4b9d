/**
 * Run as a separate process by the lock test: opens the embedded database
 * in the folder given as argument, then closes it. Exit 0 when it opened;
 * 1 with "<code>: <message>" on stderr when it was refused. With `hold` as
 * second argument it keeps the database open until it is killed. Plain
 * JavaScript on the built runtime (dist/), so each start skips the
 * TypeScript loader and compiling the runtime's sources.
 */
import { getDbEngine } from '../../dist/runtime/db/engine.js';

const folder = process.argv[2];
const hold = process.argv[3] === 'hold';
try {
  const engine = await getDbEngine({ database: { path: folder } }, { projectDir: folder });
  if (hold) {
    process.stdout.write(`opened ${process.pid}\n`);
    setInterval(() => {}, 60_000);
  } else {
    await engine.close();
    process.stdout.write('opened\n');
  }
} catch (error) {
  const { code, message } = error;
  process.stderr.write(`${code}: ${message}\n`);
  process.exitCode = 1;
}
