/**
 * `backendts/testing`: helpers for a project's own tests. An in-process
 * request client (no port), a transaction per test that the test's
 * requests join and that is rolled back after it, and a database per test
 * worker made from the models.
 */
export { createTestClient } from './client.js';
export type { TestClient, TestRequestInit, TestRequestOptions } from './client.js';
export { beginTestTransaction, withTestTransaction } from './test-transaction.js';
export type { TestTransaction } from './test-transaction.js';
export { createTestDatabase } from './test-database.js';
export type { CreateTestDatabaseOptions, TestDatabase } from './test-database.js';
