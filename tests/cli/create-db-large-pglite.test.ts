/** create_db on the large fixture (fixtures/create-db/large) on the embedded database (PGlite), as a subprocess. */
import { defineCreateDbLargeSuite } from './support/create-db-large-suite.js';

defineCreateDbLargeSuite('pglite');
