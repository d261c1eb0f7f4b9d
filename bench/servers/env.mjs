/**
 * What every contender's server reads from its environment, so the suite
 * starts them all the same way: port, database URL and pool size.
 */

/** The settings a bench server is started with. */
export function serverEnv() {
  const port = Number(process.env.BENCH_PORT);
  const url = process.env.BENCH_DATABASE_URL;
  const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 10);
  if (!Number.isInteger(port) || !url) {
    throw new Error('set BENCH_PORT and BENCH_DATABASE_URL (the suite does this for you: node bench/run.mjs)');
  }
  return { port, url, poolSize };
}

/** Closes the server and the pool on SIGTERM, so the suite can stop a contender cleanly. */
export function stopOnSignal(close) {
  process.once('SIGTERM', () => {
    Promise.resolve(close()).finally(() => process.exit(0));
  });
}
