/**
 * The practical limit: node:http and postgres.js with nothing in between.
 * Each database request runs in its own transaction (`sql.begin`), committed
 * before the response is written, like every other contender.
 */
import postgres from 'postgres';
import { serverEnv, stopOnSignal } from './env.mjs';
import { readJson, send, serve, USER_PATH } from './plain-http.mjs';

const { port, url, poolSize } = serverEnv();
const sql = postgres(url, { max: poolSize, onnotice: () => {} });

async function handle(req, res) {
  if (req.method === 'GET' && req.url === '/hello-world') {
    return send(res, 200, 'text/plain; charset=utf-8', 'Hello World!');
  }
  const match = req.method === 'GET' ? USER_PATH.exec(req.url) : null;
  if (match) {
    const id = Number(match[1]);
    const [user] = await sql.begin((tx) => tx`select id, first_name, last_name from users where id = ${id}`);
    if (!user) return send(res, 404, 'application/json', '{"error":"not found"}');
    return send(res, 200, 'application/json', JSON.stringify(user));
  }
  if (req.method === 'POST' && req.url === '/users') {
    const body = await readJson(req);
    const [user] = await sql.begin(
      (tx) => tx`insert into users (first_name, last_name) values (${body.first_name}, ${body.last_name}) returning id, first_name, last_name`,
    );
    return send(res, 200, 'application/json', JSON.stringify(user));
  }
  return send(res, 404, 'application/json', '{"error":"not found"}');
}

const server = serve(port, handle);
stopOnSignal(async () => {
  server.close();
  await sql.end({ timeout: 1 });
});
