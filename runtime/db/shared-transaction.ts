/**
 * A transaction that the request transactions of one engine join instead of
 * opening their own: each request gets a savepoint inside it, and scopes
 * with no transaction of their own run their statements in it directly.
 * `backendts/testing` holds one open for a test and rolls it back after, so
 * a test leaves nothing behind. Nothing joins one unless it was shared, so
 * normal runs are unchanged.
 */
import type { DbEngine } from './engine.js';
import type { HeldTransaction, OpenTransactionOptions, TransactionClient } from './transaction.js';
import type { AnySchema } from './types.js';

/** What the request transactions of an engine join while it is shared. */
export interface SharedTransaction {
  /** Opens what stands for one request's transaction (a savepoint). */
  open(options: OpenTransactionOptions): Promise<HeldTransaction>;
  /** Runs the statements of scopes with no transaction of their own. */
  readonly client: TransactionClient;
}

const shared = new WeakMap<object, SharedTransaction>();

/** The transaction the engine's request transactions join, if one is shared. */
export function sharedTransactionOf(engine: DbEngine<AnySchema>): SharedTransaction | undefined {
  return shared.get(engine);
}

/** Makes the engine's request transactions join `transaction` (or, with undefined, open their own again). */
export function shareTransaction(engine: DbEngine<AnySchema>, transaction: SharedTransaction | undefined): void {
  if (transaction === undefined) shared.delete(engine);
  else shared.set(engine, transaction);
}
