/**
 * `backendts/testing`: helpers for a project's own tests. An in-process
 * request client (no port), and a transaction per test that the test's
 * requests join and that is rolled back after it.
 */
export { createTestClient } from './client.js';
export type { TestClient, TestRequestInit, TestRequestOptions } from './client.js';
export { beginTestTransaction, withTestTransaction } from './test-transaction.js';
export type { TestTransaction } from './test-transaction.js';
