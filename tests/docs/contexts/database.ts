// What the fragments of docs/database.md use without showing it: the project, an app's routes and tables, a database handle.
import { Backendts, ExceptionResponse, Routes, Success } from 'backendts';
import { setDatabaseHooks, type DbSession } from 'backendts/db';
import { integer, numeric, pgTable, text, varchar } from 'drizzle-orm/pg-core';
declare const bp: Backendts;
declare const routes: Routes;
const users = pgTable('users', { id: integer('id').primaryKey().generatedAlwaysAsIdentity(), username: varchar('username', { length: 50 }).notNull() });
const greetings = pgTable('greetings', { id: integer('id').primaryKey(), text: text('text').notNull() });
const schema = { users, greetings };
declare const db: DbSession;
declare const username: string;
declare const logger: { debug(message: string): void };
