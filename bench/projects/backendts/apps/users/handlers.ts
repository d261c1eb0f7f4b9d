/** The workload's three routes, written as a backendts user writes them. */
import { eq } from 'drizzle-orm';
import { ExceptionResponse, JsonResponse, Routes, TextResponse } from 'backendts';
import { users } from './db/models.js';

/** Routes of the users app. */
export const routes = new Routes();

routes.get('/hello-world', () => new TextResponse('Hello World!'));

// BENCH_READ_ONLY=true (the deploy suite) makes the read a read-only route, which [database] replicas sends to a replica.
const readOptions = process.env.BENCH_READ_ONLY === 'true' ? { db: { transaction: 'read-only' as const } } : {};

routes.get('/users/<id:int>', async (request) => {
  const db = request.app.context.db_session();
  const [user] = await db.select().from(users).where(eq(users.id, request.urlVars.id));
  if (!user) throw new ExceptionResponse('not_found');
  return new JsonResponse(user);
}, readOptions);

routes.post('/users', async (request) => {
  const { first_name, last_name } = request.body as { first_name: string; last_name: string };
  const db = request.app.context.db_session();
  const [user] = await db.insert(users).values({ first_name, last_name }).returning();
  return new JsonResponse(user);
});
