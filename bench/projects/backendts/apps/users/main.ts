/** The users app: the workload's table and routes. */
import { App } from 'backendts';
import { routes } from './handlers.js';

/** Listed in config.ini as `apps/users`. */
export const app = new App({ routes, models: ['./db/models'] });
