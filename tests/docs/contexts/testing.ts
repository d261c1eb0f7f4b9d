// in fixtures/example
// What the fragments of docs/testing.md use: the example project's bp and users, a test client, vitest.
import { expect, it } from 'vitest';
import { createTestClient, withTestTransaction } from 'backendts/testing';
import { bp } from './main.js';
import { users } from './apps/accounts/db/models.js';
const client = createTestClient(bp);
declare const bytes: Uint8Array;
