/** The workload's table. Keys are the column names, so a row is already the JSON the routes answer. */
import { integer, pgTable, varchar } from 'drizzle-orm/pg-core';

/** `users`: identity id, first and last name. */
export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  first_name: varchar('first_name', { length: 50 }),
  last_name: varchar('last_name', { length: 50 }),
});
