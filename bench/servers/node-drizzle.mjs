/**
 * The limit of Drizzle's query API: node:http with nothing else in between.
 * The same Drizzle queries as the framework contenders, each database
 * request in `db.transaction()`, committed before the response is written;
 * the request handling is raw-node.mjs's.
 */
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { serverEnv, stopOnSignal } from './env.mjs';
import { readJson, send, serve, USER_PATH } from './plain-http.mjs';
import { users } from './users-table.mjs';

const { port, url, poolSize } = serverEnv();
const client = postgres(url, { max: poolSize, onnotice: () => {} });
const db = drizzle({ client });

async function handle(req, res) {
  if (req.method === 'GET' && req.url === '/hello-world') {
    return send(res, 200, 'text/plain; charset=utf-8', 'Hello World!');
  }
  const match = req.method === 'GET' ? USER_PATH.exec(req.url) : null;
  if (match) {
    const id = Number(match[1]);
    const [user] = await db.transaction((tx) => tx.select().from(users).where(eq(users.id, id)));
    if (!user) return send(res, 404, 'application/json', '{"error":"not found"}');
    return send(res, 200, 'application/json', JSON.stringify(user));
  }
  if (req.method === 'POST' && req.url === '/users') {
    const { first_name, last_name } = await readJson(req);
    const [user] = await db.transaction((tx) => tx.insert(users).values({ first_name, last_name }).returning());
    return send(res, 200, 'application/json', JSON.stringify(user));
  }
  return send(res, 404, 'application/json', '{"error":"not found"}');
}

const server = serve(port, handle);
stopOnSignal(async () => {
  server.close();
  await client.end({ timeout: 1 });
});
