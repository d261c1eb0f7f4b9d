/**
 * Starts one contender's server as its own process, waits until it answers,
 * reads its memory, and stops it. The server runs in a process group of its
 * own so that stopping it also stops anything it started.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_KEPT = 20_000;
// Linux reports CPU time in clock ticks of 1/100 s (getconf CLK_TCK) on every platform Node supports.
const CLOCK_TICKS = 100;

/** A running server: its pid, its output so far, and how to stop it. */
export class ServerProcess {
  constructor(child, label) {
    this.child = child;
    this.label = label;
    this.output = '';
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const keep = (chunk) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
  }

  get pid() {
    return this.child.pid;
  }

  /** Resident memory (MiB) of the server and every process it started. */
  rssMiB() {
    let kib = 0;
    for (const pid of processTree(this.pid)) kib += vmRssKiB(pid);
    return kib / 1024;
  }

  /** CPU time (s, user + system) used so far by the server and every process it started. */
  cpuSeconds() {
    let ticks = 0;
    for (const pid of processTree(this.pid)) ticks += cpuTicks(pid);
    return ticks / CLOCK_TICKS;
  }

  /** SIGTERM, then SIGKILL if it has not exited in a few seconds. */
  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    signalGroup(this.pid, 'SIGTERM');
    const stopped = await Promise.race([this.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped) {
      signalGroup(this.pid, 'SIGKILL');
      await this.exited;
    }
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** CPU time (s, user + system) one process (not its children) used so far; 0 once it is gone. */
export function processCpuSeconds(pid) {
  return cpuTicks(pid) / CLOCK_TICKS;
}

function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function vmRssKiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pid and all its descendants, from /proc/<pid>/task/<tid>/children. */
function processTree(root) {
  const seen = [];
  const queue = [root];
  while (queue.length > 0 && seen.length < 64) {
    const pid = queue.shift();
    seen.push(pid);
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (children) queue.push(...children.split(/\s+/).map(Number));
      } catch {
        // The task ended meanwhile.
      }
    }
  }
  return seen;
}

/**
 * Spawns `command` with `env` added, and resolves once GET `readyPath` on
 * 127.0.0.1:`port` answers 200 (asked every `pollInterval` ms). Fails with the server's output when it exits
 * or does not answer within `readyTimeout` ms.
 */
export async function startServer({ label, command, args, env, cwd, port, readyPath = '/hello-world', readyTimeout = READY_TIMEOUT_MS, pollInterval = 100 }) {
  const childEnv = { ...process.env, ...env };
  // Inherited settings would override what the suite chose for this contender.
  for (const name of ['DATABASE_URL', 'BACKENDTS_ENV']) if (!(name in env)) delete childEnv[name];
  const child = spawn(command, args, {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const server = new ServerProcess(child, label);
  const deadline = Date.now() + readyTimeout;
  let exited = false;
  server.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const response = await fetch(`http://127.0.0.1:${port}${readyPath}`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return server;
    } catch {
      // Not listening yet.
    }
    await sleep(pollInterval);
  }
  await server.stop();
  throw new Error(`${label} did not start on port ${port}${exited ? ' (it exited)' : ''}:\n${server.output.trim()}`);
}
