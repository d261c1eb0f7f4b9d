/**
 * Files of a new app (`create_app`, and the first app of `create_project`):
 * a main module, routes, and a models module with one table. `full` adds
 * hooks, error codes, a data handler and an init function.
 */
import { camelCase } from './names.js';

/** File path (relative to the app folder) → content. */
export type Files = Record<string, string>;

/** The files of an app named `name`. */
export function appFiles(name: string, full: boolean): Files {
  const items = `${camelCase(name)}Items`;
  const files: Files = {
    'main.ts': full ? fullMain(name) : basicMain(name),
    'db/models.ts': models(name, items),
    'controllers/handlers.ts': full ? fullHandlers(name, items) : basicHandlers(name, items),
  };
  if (full) {
    files['controllers/hooks.ts'] = hooks(name);
    files['controllers/errors.ts'] = errors(name);
    files['controllers/validators.ts'] = validators();
    files['init.ts'] = init(name, items);
  }
  return files;
}

function basicMain(name: string): string {
  return `/** The ${name} app. Listed in config.ini [apps] active as apps/${name}. */
import { App } from 'backendts';
import { routes } from './controllers/handlers.js';

/** The app: its routes, and the model modules holding its tables (paths relative to this folder). */
export const app = new App({
  routes,
  models: ['./db/models'],
});
`;
}

function fullMain(name: string): string {
  return `/** The ${name} app. Listed in config.ini [apps] active as apps/${name}. */
import { App } from 'backendts';
import { errors } from './controllers/errors.js';
import { routes } from './controllers/handlers.js';
import { hooks } from './controllers/hooks.js';
import { createFirstItem } from './init.js';

/** The app: routes, hooks, error codes, model modules, and what \`backendts init_project\` runs. */
export const app = new App({
  routes,
  hooks,
  errors,
  models: ['./db/models'],
  initFunc: createFirstItem,
});
`;
}

function models(name: string, items: string): string {
  return `/**
 * The ${name} app's tables. Every Drizzle table exported here belongs to the
 * project: \`backendts codegen\` collects it and \`backendts create_db\` creates it.
 */
import { integer, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';

/** Items of the ${name} app. */
export const ${items} = pgTable('${name}_items', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  title: varchar('title', { length: 200 }).notNull(),
  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
`;
}

function basicHandlers(name: string, items: string): string {
  return `/** The ${name} app's routes. */
import { ExceptionResponse, Routes, Success } from 'backendts';
import { ${items} } from '../db/models.js';

/** Routes of the ${name} app, listed in its main module. */
export const routes = new Routes();

routes.get('/${name}/items', async (request) => {
  // The request's own transaction, opened on first use and committed after the handler.
  const db = request.app.context.db_session();
  return new Success(await db.select().from(${items}).orderBy(${items}.id));
});

routes.post('/${name}/items', async (request) => {
  const title = (request.body as { title?: unknown } | undefined)?.title;
  if (typeof title !== 'string' || title.trim() === '') {
    throw new ExceptionResponse('invalid_data', { message: 'title is required' });
  }
  const db = request.app.context.db_session();
  const [item] = await db.insert(${items}).values({ title: title.trim() }).returning();
  return new Success(item, { status: 201 });
});
`;
}

function fullHandlers(name: string, items: string): string {
  return `/** The ${name} app's routes. */
import { ExceptionResponse, Routes, Success } from 'backendts';
import { eq } from 'drizzle-orm';
import { ${items} } from '../db/models.js';
import { NewItemData } from './validators.js';

/** Routes of the ${name} app, listed in its main module. */
export const routes = new Routes();

routes.get('/${name}/items', async (request) => {
  // The request's own transaction, opened on first use and committed after the handler.
  const db = request.app.context.db_session();
  return new Success(await db.select().from(${items}).orderBy(${items}.id));
});

routes.get('/${name}/items/<id:int>', async (request) => {
  const db = request.app.context.db_session();
  const [item] = await db.select().from(${items}).where(eq(${items}.id, request.urlVars.id));
  if (!item) throw new ExceptionResponse('${name}_item_not_found');
  return new Success(item);
});

// The data handler checks the body first: invalid input gets a 400 listing the fields.
routes.post(
  '/${name}/items',
  async (request) => {
    const data = request.cleanedData as { title: string };
    const db = request.app.context.db_session();
    const [item] = await db.insert(${items}).values(data).returning();
    return new Success(item, { status: 201 });
  },
  { dataHandler: NewItemData },
);
`;
}

function hooks(name: string): string {
  return `/** The ${name} app's event hooks. */
import { Hooks } from 'backendts';

/** Hooks of the ${name} app, listed in its main module. */
export const hooks = new Hooks();

hooks.event('startup', () => {
  console.log('${name}: ready');
});

hooks.event('exception_response', ({ request, error }) => {
  console.error(\`${name}: \${request.method} \${request.path} failed:\`, error);
});
`;
}

function errors(name: string): string {
  return `/** Error codes the ${name} app adds to the predefined ones. */
import { ErrorCode, ErrorList } from 'backendts';

/** Rendered as \`{ "status": "error", "code": "${name}_item_not_found", ... }\` with HTTP 404. */
export const errors = new ErrorList(
  new ErrorCode('${name}_item_not_found', 'There is no item with this id', 404),
);
`;
}

function validators(): string {
  return `/**
 * Data handlers: any Standard Schema validator (zod, valibot, arktype...)
 * works. This one is written by hand so the project needs no extra package;
 * with zod it would be \`z.object({ title: z.string().trim().min(1).max(200) })\`.
 */

/** The body of \`POST .../items\`: a required title of at most 200 characters. */
export const NewItemData = {
  '~standard': {
    version: 1 as const,
    vendor: 'app',
    validate(value: unknown) {
      const title = (value as { title?: unknown } | null)?.title;
      if (typeof title !== 'string' || title.trim() === '' || title.trim().length > 200) {
        return { issues: [{ message: 'title is required (at most 200 characters)', path: ['title'] }] };
      }
      return { value: { title: title.trim() } };
    },
  },
};
`;
}

function init(name: string, items: string): string {
  return `/**
 * Run by \`backendts init_project\`. Values come from config.ini's [init]
 * section, \`--set key=value\` flags, or a prompt for keys left empty there.
 */
import type { Config } from 'backendts';
import { getDbEngine } from 'backendts/db';
import { ${items} } from './db/models.js';

/** Adds a first item (its title from \`[init] ${name}_first_item\`) when the table is empty. */
export async function createFirstItem(config: Config): Promise<void> {
  const title = String(config.init?.${name}_first_item || 'First item');
  // No request here, so no request transaction: the engine's own database is used directly.
  const engine = await getDbEngine(config);
  try {
    const existing = await engine.db.select({ id: ${items}.id }).from(${items}).limit(1);
    if (existing.length === 0) await engine.db.insert(${items}).values({ title });
  } finally {
    await engine.close();
  }
}
`;
}
