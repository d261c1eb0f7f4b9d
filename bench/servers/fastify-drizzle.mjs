/**
 * Fastify with Drizzle over postgres.js, written the idiomatic way: a route
 * per endpoint, Fastify's own JSON body parsing and serialisation, and
 * `db.transaction` around each database request.
 */
import Fastify from 'fastify';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { serverEnv, stopOnSignal } from './env.mjs';
import { users } from './users-table.mjs';

const { port, url, poolSize } = serverEnv();
const client = postgres(url, { max: poolSize, onnotice: () => {} });
const db = drizzle({ client });
const app = Fastify({ logger: false });

app.get('/hello-world', async (_request, reply) => {
  reply.type('text/plain; charset=utf-8');
  return 'Hello World!';
});

app.get('/users/:id', async (request, reply) => {
  const id = Number(request.params.id);
  const [user] = await db.transaction((tx) => tx.select().from(users).where(eq(users.id, id)));
  if (!user) return reply.code(404).send({ error: 'not found' });
  return user;
});

app.post('/users', async (request) => {
  const { first_name, last_name } = request.body;
  const [user] = await db.transaction((tx) => tx.insert(users).values({ first_name, last_name }).returning());
  return user;
});

await app.listen({ port, host: '127.0.0.1' });
stopOnSignal(async () => {
  await app.close();
  await client.end({ timeout: 1 });
});
