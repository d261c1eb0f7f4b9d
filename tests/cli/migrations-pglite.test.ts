import { defineMigrationsSuite } from './support/migrations-suite.js';

defineMigrationsSuite('pglite');
