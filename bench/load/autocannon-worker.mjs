/**
 * The load generator, in a process of its own so it never shares an event
 * loop with the server: runs autocannon once against one route and prints
 * the figures as one line of JSON. Started by lib/load.mjs.
 *
 * argv[2]: JSON { port, route, connections, warmup, duration, users, amount }. The
 * warm-up (seconds, may be 0) runs first in the same process and is not counted.
 * With `amount`, exactly that many requests are sent instead of `duration` seconds.
 */
import autocannon from 'autocannon';

const { port, route, connections, warmup, duration, users, amount } = JSON.parse(process.argv[2]);

/** autocannon request lists of the workload's three routes. */
const ROUTES = {
  'hello-world': [{ method: 'GET', path: '/hello-world' }],
  'users-read': [
    {
      method: 'GET',
      // A fresh random id for every request: spreads reads over the whole table.
      setupRequest: (request) => ({ ...request, path: `/users/${1 + Math.floor(Math.random() * users)}` }),
    },
  ],
  'users-write': [
    {
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'A', last_name: 'B' }),
    },
  ],
};

const run = (seconds) =>
  autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    requests: ROUTES[route],
    ...(amount === undefined ? { duration: seconds } : { amount, timeout: 120 }),
  });

if (warmup > 0) await run(warmup);
// Tells the suite the measured part starts now (it reads the server's CPU time here).
process.stdout.write(`${JSON.stringify({ phase: 'measure' })}\n`);
const result = await run(duration);

process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }) + '\n',
);
