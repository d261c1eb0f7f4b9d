/**
 * A new project, end to end: scaffolded with `create_project` and
 * `create_app` into a folder outside the checkout, given models in two apps
 * (one referencing the other), then codegen, create_db and run through the
 * real CLI, on PostgreSQL and on the embedded PGlite default.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, request, runCli, runCliOk, startServer, typeCheck, type RunningServer } from './support/cli.js';
import { postgresUrl } from './support/databases.js';
import { DRIVERS, E2E_TIMEOUT, expectCleanStop, linkDependencies, makeWorkspace, removeDir, testDatabase, transactionsLeftOpen, type Driver } from './support/projects.js';

/** A second model module for the scaffolded `hello` app: what a user adds next to the generated one. */
const CATALOG_MODELS = `import { integer, pgTable, varchar } from 'drizzle-orm/pg-core';

/** Products on sale. */
export const products = pgTable('products', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: varchar('name', { length: 100 }).notNull().unique(),
  price_cents: integer('price_cents').notNull(),
});
`;

/** The \`reviews\` app's models: a foreign key into the \`hello\` app's products. */
const REVIEW_MODELS = `import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { products } from '../../hello/db/catalog.js';

/** A customer's review of a product. */
export const reviews = pgTable('reviews', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  product_id: integer('product_id').notNull().references(() => products.id),
  stars: integer('stars').notNull(),
  body: text('body').notNull(),
});
`;

/** The \`reviews\` app's routes, written against the handle \`db_session()\` gives. */
const REVIEW_ROUTES = `import { ExceptionResponse, Routes, Success } from 'backendts';
import { eq } from 'drizzle-orm';
import { products } from '../../hello/db/catalog.js';
import { reviews } from '../db/reviews.js';

export const reviewRoutes = new Routes();

reviewRoutes.post('/products', async (request) => {
  const { name, price_cents } = request.body as { name: string; price_cents: number };
  const [product] = await request.app.context.db_session().insert(products).values({ name, price_cents }).returning();
  return new Success(product, { status: 201 });
});

reviewRoutes.post('/reviews', async (request) => {
  const data = request.body as { product_id: number; stars: number; body: string };
  const [review] = await request.app.context.db_session().insert(reviews).values(data).returning();
  return new Success(review, { status: 201 });
});

reviewRoutes.get('/reviews/<id:int>', async (request) => {
  const db = request.app.context.db_session();
  const [row] = await db
    .select({ id: reviews.id, stars: reviews.stars, product: products.name })
    .from(reviews)
    .innerJoin(products, eq(products.id, reviews.product_id))
    .where(eq(reviews.id, Number(request.urlVars.id)));
  if (!row) throw new ExceptionResponse('not_found');
  return new Success(row);
});

reviewRoutes.post('/reviews/fail', async (request) => {
  const data = request.body as { product_id: number; stars: number; body: string };
  await request.app.context.db_session().insert(reviews).values(data);
  throw new Error('failed after the insert');
});
`;

/** Replaces `from` with `to` in a scaffolded file; fails naming the file when the scaffold changed shape. */
function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}:\n${text}`);
  writeFileSync(file, text.replace(from, to));
}

describe.each(DRIVERS)('a project scaffolded by create_project on %s', { timeout: E2E_TIMEOUT }, (driver: Driver) => {
  let workspace = '';
  let projectDir = '';
  const db = testDatabase(driver, () => path.join(projectDir, '.backendts', 'db'));
  // DATABASE_URL overrides config.ini's [database]: the scaffold stays as generated.
  const env = driver === 'postgres' ? { DATABASE_URL: postgresUrl(db.name!) } : {};
  let server: RunningServer | undefined;

  beforeAll(() => {
    assertBuilt();
    workspace = makeWorkspace();
  });

  afterAll(async () => {
    if (server) await server.stop();
    await db.drop();
    removeDir(workspace);
  });

  it('scaffolds a project and a second app', async () => {
    await runCliOk(['create_project', '--name', 'shop'], { cwd: workspace });
    projectDir = path.join(workspace, 'shop');
    // What `npm install` gives a user: backendts and drizzle-orm in node_modules.
    linkDependencies(projectDir);
    await runCliOk(['create_app', '--name', 'reviews'], { cwd: projectDir });
    expect(readFileSync(path.join(projectDir, 'config.ini'), 'utf8')).toMatch(/active\s*=\s*\n\s+apps\/hello\n\s+apps\/reviews/);

    const again = await runCli(['create_app', '--name', 'reviews'], { cwd: projectDir });
    expect(again.code).toBe(1);
  });

  it('collects models from both apps, including the cross-app foreign key', async () => {
    writeFileSync(path.join(projectDir, 'apps/hello/db/catalog.ts'), CATALOG_MODELS);
    edit(path.join(projectDir, 'apps/hello/main.ts'), "models: ['./db/models']", "models: ['./db/models', './db/catalog']");
    writeFileSync(path.join(projectDir, 'apps/reviews/db/reviews.ts'), REVIEW_MODELS);
    writeFileSync(path.join(projectDir, 'apps/reviews/controllers/reviews.ts'), REVIEW_ROUTES);
    const main = path.join(projectDir, 'apps/reviews/main.ts');
    edit(main, "models: ['./db/models']", "models: ['./db/models', './db/reviews']");
    edit(main, "import { routes } from './controllers/handlers.js';", "import { routes } from './controllers/handlers.js';\nimport { reviewRoutes } from './controllers/reviews.js';");
    edit(main, '  routes,\n', '  routes: [routes, reviewRoutes],\n');

    await runCliOk(['codegen'], { cwd: projectDir, env });
    const schema = readFileSync(path.join(projectDir, '.backendts', 'schema.ts'), 'utf8');
    for (const name of ['helloItems', 'products', 'reviewsItems', 'reviews']) expect(schema).toContain(name);
  });

  // Once is enough: the types do not depend on the engine.
  it.runIf(driver === 'pglite')('type-checks with the tsconfig it was given, the added routes included', async () => {
    const result = await typeCheck(projectDir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('creates the database and all four tables with create_db', async () => {
    await runCliOk(['create_db'], { cwd: projectDir, env });
    if (driver === 'postgres') {
      const tables = await db.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      expect(tables.map((row) => row.table_name)).toEqual(['hello_items', 'products', 'reviews', 'reviews_items']);
      const keys = await db.query<{ table_name: string; foreign_table: string }>(
        `select tc.table_name, ccu.table_name as foreign_table from information_schema.table_constraints tc
         join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name
         where tc.constraint_type = 'FOREIGN KEY'`,
      );
      expect(keys).toEqual([{ table_name: 'reviews', foreign_table: 'products' }]);
    }
  });

  it('serves the scaffolded routes and the added ones, writing rows over HTTP', async () => {
    server = await startServer({ cwd: projectDir, env });
    const item = await request(`${server.url}/hello/items`, { json: { title: 'First' } });
    expect(item.status).toBe(201);
    const items = await request(`${server.url}/hello/items`);
    expect(items.body).toMatchObject({ status: 'success', data: [{ title: 'First' }] });

    const product = await request(`${server.url}/products`, { json: { name: 'Lamp', price_cents: 1999 } });
    expect(product.status).toBe(201);
    const review = await request(`${server.url}/reviews`, {
      json: { product_id: product.body.data.id, stars: 5, body: 'Bright' },
    });
    expect(review.status).toBe(201);
    const read = await request(`${server.url}/reviews/${review.body.data.id}`);
    expect(read.body).toMatchObject({ status: 'success', data: { stars: 5, product: 'Lamp' } });
    expect((await request(`${server.url}/reviews/999999`)).status).toBe(404);

    if (driver === 'postgres') {
      expect(await db.query('select name, price_cents from products')).toEqual([{ name: 'Lamp', price_cents: 1999 }]);
    }
  });

  it('rolls back a request that fails after writing', async () => {
    const productId = (await request(`${server!.url}/products`, { json: { name: 'Chair', price_cents: 4900 } })).body.data.id;
    const failed = await request(`${server!.url}/reviews/fail`, { json: { product_id: productId, stars: 1, body: 'Gone' } });
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ status: 'error', code: 'server_error' });
    // A foreign key pointing nowhere fails inside the request's transaction, which rolls back too; the client is told it conflicts.
    const broken = await request(`${server!.url}/reviews`, { json: { product_id: 999999, stars: 3, body: 'No product' } });
    expect(broken.status).toBe(409);
    expect(broken.body).toMatchObject({ status: 'error', code: 'conflict', data: { kind: 'foreign_key' } });
    if (driver === 'postgres') {
      expect(await db.query('select id from reviews where body = any($1)', [['Gone', 'No product']])).toEqual([]);
      expect(await transactionsLeftOpen(db)).toBe(0);
    }
  });

  it('stops on SIGTERM with exit code 0 and leaves no connection open', async () => {
    const running = server!;
    server = undefined;
    await expectCleanStop(running, db, projectDir);
  });

  it('kept exactly the committed rows, as read directly from the database', async () => {
    const { reviews, products, items } = await db.read(async (query) => ({
      reviews: await query('select r.body, p.name from reviews r join products p on p.id = r.product_id order by r.id'),
      products: await query<{ name: string }>('select name from products order by id'),
      items: await query('select title from hello_items'),
    }));
    expect(reviews).toEqual([{ body: 'Bright', name: 'Lamp' }]);
    expect(products.map((row) => row.name)).toEqual(['Lamp', 'Chair']);
    expect(items).toEqual([{ title: 'First' }]);
  });
});
