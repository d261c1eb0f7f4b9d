/** create_db on the embedded database (PGlite), as a subprocess. */
import { defineCreateDbSuite } from './support/create-db-suite.js';

defineCreateDbSuite('pglite');
