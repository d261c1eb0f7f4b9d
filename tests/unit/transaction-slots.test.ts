/** The transaction slots' counts: what `engine.stats()` reports. */
import { describe, expect, it } from 'vitest';
import { TransactionSlots } from '../../runtime/db/transaction-slots.js';

describe('TransactionSlots counts', () => {
  it('counts held slots and waits, and forgets a wait that was cancelled or started', () => {
    const slots = new TransactionSlots(2);
    const started: string[] = [];
    expect(slots.counts()).toEqual({ total: 2, idle: 2, waiting: 0 });
    slots.take(() => started.push('a'));
    slots.take(() => started.push('b'));
    const c = slots.take(() => started.push('c'))!;
    const d = slots.take(() => started.push('d'))!;
    expect(slots.counts()).toEqual({ total: 2, idle: 0, waiting: 2 });
    c.cancel();
    c.cancel();
    expect(slots.counts()).toEqual({ total: 2, idle: 0, waiting: 1 });
    slots.release();
    expect(started).toEqual(['a', 'b', 'd']);
    expect(slots.counts()).toEqual({ total: 2, idle: 0, waiting: 0 });
    // Cancelling after the start is a no-op and counts nothing.
    d.cancel();
    expect(slots.counts()).toEqual({ total: 2, idle: 0, waiting: 0 });
    slots.release();
    slots.release();
    expect(slots.counts()).toEqual({ total: 2, idle: 2, waiting: 0 });
  });
});
