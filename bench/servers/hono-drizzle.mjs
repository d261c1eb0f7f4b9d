/**
 * Hono on @hono/node-server with Drizzle over postgres.js, written the
 * idiomatic way, with `db.transaction` around each database request.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { serverEnv, stopOnSignal } from './env.mjs';
import { users } from './users-table.mjs';

const { port, url, poolSize } = serverEnv();
const client = postgres(url, { max: poolSize, onnotice: () => {} });
const db = drizzle({ client });
const app = new Hono();

app.get('/hello-world', (c) => c.text('Hello World!'));

app.get('/users/:id', async (c) => {
  const id = Number(c.req.param('id'));
  const [user] = await db.transaction((tx) => tx.select().from(users).where(eq(users.id, id)));
  if (!user) return c.json({ error: 'not found' }, 404);
  return c.json(user);
});

app.post('/users', async (c) => {
  const { first_name, last_name } = await c.req.json();
  const [user] = await db.transaction((tx) => tx.insert(users).values({ first_name, last_name }).returning());
  return c.json(user);
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
stopOnSignal(async () => {
  server.close();
  await client.end({ timeout: 1 });
});
