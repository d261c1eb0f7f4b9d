/**
 * Admission of request transactions: at most as many open at once as the
 * engine has connections (one for PGlite). A request waits here, in order,
 * rather than in the driver's queue, so a wait that ends (the pool timeout,
 * or the client leaving) leaves without ever taking a connection: no BEGIN
 * and ROLLBACK for a request nobody waits for.
 */

/** A place in the line; `cancel()` leaves it (a no-op once started). */
export interface SlotTicket {
  cancel(): void;
}

/** Transaction slots of one engine. */
export class TransactionSlots {
  #free: number;
  readonly #line: { start: () => void; cancelled: boolean }[] = [];

  constructor(size: number) {
    this.#free = Math.max(1, size);
  }

  /** Runs `start` now when a slot is free, else when one frees up; the slot is held until `release()`. */
  take(start: () => void): SlotTicket | undefined {
    if (this.#free > 0) {
      this.#free--;
      start();
      return undefined;
    }
    const place = { start, cancelled: false };
    this.#line.push(place);
    return {
      cancel: () => {
        place.cancelled = true;
      },
    };
  }

  /** Gives a slot back: the next one in line (if any) starts. */
  release(): void {
    let next = this.#line.shift();
    while (next?.cancelled) next = this.#line.shift();
    if (next === undefined) this.#free++;
    else next.start();
  }
}

const byClient = new WeakMap<object, TransactionSlots>();

/** The slots of the engine whose driver client is `client` (made on first use). */
export function slotsOf(client: object, size: number): TransactionSlots {
  let slots = byClient.get(client);
  if (slots === undefined) {
    slots = new TransactionSlots(size);
    byClient.set(client, slots);
  }
  return slots;
}
