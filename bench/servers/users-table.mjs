/** The workload's `users` table as Drizzle declares it; shared by the Drizzle peers. */
import { integer, pgTable, varchar } from 'drizzle-orm/pg-core';

/** `users`: identity id, first and last name (keys named as the JSON answers them). */
export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  first_name: varchar('first_name', { length: 50 }),
  last_name: varchar('last_name', { length: 50 }),
});
