/**
 * Run as a subprocess by serving.test.ts: serves a project with the signal
 * handlers installed, says where it listens, and prints when shutdown runs.
 */
import { Backendts, parseConfig } from '../../runtime/index.js';

const bp = new Backendts({ projectDir: process.cwd(), config: parseConfig('[networking]\nport = 0\n', 'config.ini') });
let release: () => void = () => undefined;
bp.event('request_start', async ({ request }) => {
  // Holds this request until SIGTERM has arrived, so the close has one in flight.
  if (request.path === '/hold') {
    console.log('holding');
    await new Promise<void>((resolve) => (release = resolve));
  }
});
bp.event('shutdown', () => {
  console.log('shutdown ran');
});
process.on('SIGTERM', () => setImmediate(() => release()));
const listening = await bp.listen();
console.log(`listening ${listening.port}`);
