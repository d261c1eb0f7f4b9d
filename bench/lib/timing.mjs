/** Times a command as a user runs it: a new process, wall clock from spawn to exit. */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const OUTPUT_KEPT = 20_000;

/**
 * Runs `command args` in `cwd` with `env` added (an `undefined` value removes
 * that variable); resolves to `{ seconds, output }`. Fails with the command's
 * output when it exits non-zero; one stopped after `timeoutSeconds` fails
 * with `error.timedOut` set.
 */
export function timeCommand(label, command, args, { cwd, env = {}, timeoutSeconds = 300 } = {}) {
  return new Promise((resolve, reject) => {
    const childEnv = { ...process.env, ...env };
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
    const started = performance.now();
    const child = spawn(command, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) return resolve({ seconds, output });
      if (timedOut) return reject(Object.assign(new Error(`${label} stopped after ${timeoutSeconds} s`), { timedOut: true }));
      reject(new Error(`${label} failed (${signal ?? `exit ${code}`}) after ${seconds.toFixed(1)} s:\n${output.trim()}`));
    });
  });
}
