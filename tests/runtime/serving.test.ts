/** Serving: listen, startup before accepting, the plain request listener, graceful close and signals. */
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../runtime/index.js';
import { project, send } from './support.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** True when something accepts connections on the port. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves when the gate route's handler has started; `open` lets it finish. */
function gate(context: object): { entered: Promise<void>; open: () => void } {
  let open!: () => void;
  let entered!: () => void;
  const ctx = context as { gate?: Promise<void>; entered?: () => void };
  ctx.gate = new Promise<void>((resolve) => (open = resolve));
  const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
  ctx.entered = entered;
  return { entered: enteredPromise, open };
}

describe('listen', () => {
  it('listens where [networking] says, and runs startup before accepting connections', async () => {
    const port = await freePort();
    const config = parseConfig(`[networking]\nhost = 127.0.0.1\nport = ${port}\n[apps]\nactive =\n    apps/first\n`, 'config.ini');
    const { bp } = project('basic', { config });
    const seen: boolean[] = [];
    bp.event('startup', async () => {
      seen.push(await accepting(port));
    });
    const listening = await bp.listen({ signals: false });
    try {
      expect(listening.port).toBe(port);
      expect(listening.url).toBe(`http://127.0.0.1:${port}`);
      expect(seen).toEqual([false]);
      expect((await send(port, '/hello')).text).toBe('hello');
    } finally {
      await bp.close();
    }
  });

  it('rejects with the startup error and leaves nothing listening when startup fails', async () => {
    const port = await freePort();
    const { bp } = project('basic');
    const shutdowns: string[] = [];
    bp.event('startup', () => {
      throw new Error('database unreachable');
    });
    bp.event('shutdown', () => {
      shutdowns.push('shutdown');
    });
    await expect(bp.listen({ port, signals: false })).rejects.toThrow('database unreachable');
    expect(await accepting(port)).toBe(false);
    await bp.close();
    expect(shutdowns).toEqual([]);
  });

  it('names the address when the port is taken, and gives back what startup opened', async () => {
    const { bp: first } = project('basic');
    const taken = await first.listen({ port: 0, signals: false });
    const { bp: second } = project('basic');
    const shutdowns: string[] = [];
    second.event('shutdown', () => {
      shutdowns.push('shutdown');
    });
    try {
      await expect(second.listen({ port: taken.port, signals: false })).rejects.toMatchObject({
        code: 'BT_LISTEN',
        message: expect.stringContaining(`127.0.0.1:${taken.port}`),
      });
      expect(shutdowns).toEqual(['shutdown']);
    } finally {
      await first.close();
    }
  });

  it('runs listening once the port is open, with the address it got, and not when the port is taken', async () => {
    const { bp, logger } = project('basic');
    const seen: { port: number; url: string; accepting: boolean }[] = [];
    bp.event('listening', async ({ port, url }) => {
      seen.push({ port, url, accepting: await accepting(port) });
    });
    const listening = await bp.listen({ port: 0, signals: false });
    try {
      expect(seen).toEqual([{ port: listening.port, url: listening.url, accepting: true }]);
      const { bp: second } = project('basic');
      const secondSeen: number[] = [];
      second.event('listening', ({ port }) => {
        secondSeen.push(port);
      });
      await expect(second.listen({ port: listening.port, signals: false })).rejects.toMatchObject({ code: 'BT_LISTEN' });
      expect(secondSeen).toEqual([]);
      expect(logger.errors).toEqual([]);
    } finally {
      await bp.close();
    }
  });

  it('logs a failing listening handler and goes on serving', async () => {
    const { bp, logger } = project('basic');
    bp.event('listening', () => {
      throw new Error('could not print the URLs');
    });
    const listening = await bp.listen({ port: 0, signals: false });
    try {
      expect((await send(listening.port, '/hello')).text).toBe('hello');
      expect(logger.errors.map((entry) => entry.message).join('\n')).toContain('a "listening" handler failed (the server is serving)');
    } finally {
      await bp.close();
    }
  });

  it('does not open the port when close() is called while startup runs, and still runs shutdown', async () => {
    const { bp } = project('basic');
    const events: string[] = [];
    let finishStartup!: () => void;
    bp.event('startup', () => new Promise<void>((resolve) => (finishStartup = resolve)));
    bp.event('shutdown', () => {
      events.push('shutdown');
    });
    const listening = bp.listen({ port: 0, signals: false });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (finishStartup !== undefined) {
          clearInterval(poll);
          resolve();
        }
      }, 1);
    });
    const closing = bp.close();
    finishStartup();
    await expect(listening).rejects.toMatchObject({ code: 'BT_CLOSED' });
    await closing;
    expect(events).toEqual(['shutdown']);
  });

  it('installs SIGINT/SIGTERM handlers unless told not to, and removes them on close', async () => {
    const before = process.listenerCount('SIGTERM');
    const { bp } = project('basic');
    await bp.listen({ port: 0 });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    expect(process.listenerCount('SIGINT')).toBeGreaterThan(0);
    await bp.close();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('close', () => {
  it('stops accepting, lets an in-flight request finish, then runs shutdown once', async () => {
    const { bp } = project('basic');
    const order: string[] = [];
    bp.event('request_end', () => {
      order.push('request_end');
    });
    bp.event('shutdown', () => {
      order.push('shutdown');
    });
    const { port } = await bp.listen({ port: 0, signals: false });
    const { entered, open } = gate(bp.context);
    const inFlight = send(port, '/gate');
    await entered;
    const closing = bp.close();
    expect(bp.close()).toBe(closing);
    expect(await accepting(port)).toBe(false);
    expect(order).toEqual([]);
    open();
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('passed');
    expect(reply.headers.connection).toBe('close');
    await closing;
    await bp.close();
    expect(order).toEqual(['request_end', 'shutdown']);
  });

  it('cuts requests still running after the timeout, then runs shutdown', async () => {
    const { bp, logger } = project('basic');
    const order: string[] = [];
    bp.event('shutdown', () => {
      order.push('shutdown');
    });
    const { port } = await bp.listen({ port: 0, signals: false });
    const { entered, open } = gate(bp.context);
    const cut = send(port, '/gate').then(
      () => 'answered',
      () => 'cut',
    );
    await entered;
    await bp.close({ timeout: 20 });
    expect(await cut).toBe('cut');
    expect(order).toEqual(['shutdown']);
    expect(logger.warnings[0]).toMatch(/closed with 1 request\(s\) still running after 20 ms/);
    open();
  });

  it('rejects with a shutdown hook failure after running every shutdown hook', async () => {
    const { bp, logger } = project('basic');
    const ran: string[] = [];
    bp.event('shutdown', () => {
      throw new Error('pool close failed');
    });
    bp.event('shutdown', () => {
      ran.push('second');
    });
    await bp.start();
    await expect(bp.close()).rejects.toThrow('pool close failed');
    expect(ran).toEqual(['second']);
    expect(logger.errors.map((e) => e.message)).toEqual(['a shutdown hook failed']);
  });
});

describe('the request listener inside another server', () => {
  it('starts the project on the first request, serves, and refuses once closed', async () => {
    const { bp } = project('basic');
    const events: string[] = [];
    bp.event('startup', () => {
      events.push('startup');
    });
    bp.event('shutdown', () => {
      events.push('shutdown');
    });
    const server: Server = createServer(bp.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const replies = await Promise.all([send(port, '/hello'), send(port, '/items/7')]);
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
      expect(events).toEqual(['startup']);
      await bp.close();
      expect(events).toEqual(['startup', 'shutdown']);
      const refused = await send(port, '/hello');
      expect(refused.status).toBe(503);
      expect(refused.json.code).toBe('service_unavailable');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers 500 and logs when the project cannot start', async () => {
    const { bp, logger } = project('missing-app');
    const server = createServer(bp.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect((await send(port, '/')).status).toBe(500);
      expect((logger.errors[0]!.error as { code: string }).code).toBe('BT_APP_MISSING');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('signals', () => {
  it('closes gracefully on SIGTERM: the in-flight request finishes, shutdown runs, the process exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'signal-child.ts')], {
      cwd: here,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (stdout.includes(text)) resolve();
        };
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          check();
        });
        child.once('exit', () => reject(new Error(`exited before printing "${text}": ${stderr}`)));
        check();
      });
    await waitFor('listening ');
    const port = Number(/listening (\d+)/.exec(stdout)![1]);
    const held = new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/hold', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    await waitFor('holding');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await held).toBe(404);
    expect(await exited).toBe(0);
    expect(stdout).toContain('shutdown ran');
  });
});
