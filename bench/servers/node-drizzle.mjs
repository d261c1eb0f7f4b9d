/**
 * The limit of Drizzle's query API: node:http with nothing else in between.
 * The same Drizzle queries as the framework contenders, each database
 * request in `db.transaction()`, committed before the response is written;
 * the request handling is raw-node.mjs's.
 */
import http from 'node:http';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { serverEnv, stopOnSignal } from './env.mjs';
import { users } from './users-table.mjs';

const { port, url, poolSize } = serverEnv();
const client = postgres(url, { max: poolSize, onnotice: () => {} });
const db = drizzle({ client });

const USER_PATH = /^\/users\/(\d+)$/;

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

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

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, 'application/json', '{"error":"server error"}');
  });
});
server.listen(port, '127.0.0.1');
stopOnSignal(async () => {
  server.close();
  await client.end({ timeout: 1 });
});
