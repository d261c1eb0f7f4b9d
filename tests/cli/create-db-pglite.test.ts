/** create_db on the embedded database (PGlite), as a subprocess. */
import { defineCreateDbSchemasSuite } from './support/create-db-schemas-suite.js';
import { defineCreateDbSuite } from './support/create-db-suite.js';

defineCreateDbSuite('pglite');
defineCreateDbSchemasSuite('pglite');
