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

/** The counts of {@link TransactionSlots.counts}. */
export interface SlotCounts {
  /** Transactions that may be open at once: `pool_size` (1 for PGlite). */
  total: number;
  /** Of those, how many no transaction holds now. */
  idle: number;
  /** Transactions waiting in line for a slot (cancelled waits not counted). */
  waiting: number;
}

/** Transaction slots of one engine. */
export class TransactionSlots {
  readonly #size: number;
  #free: number;
  #waiting = 0;
  readonly #line: { start: () => void; cancelled: boolean; started: boolean }[] = [];

  constructor(size: number) {
    this.#size = Math.max(1, size);
    this.#free = this.#size;
  }

  /** How many slots there are, how many are free, how many wait. */
  counts(): SlotCounts {
    return { total: this.#size, idle: this.#free, waiting: this.#waiting };
  }

  /** Runs `start` now when a slot is free, else when one frees up; the slot is held until `release()`. */
  take(start: () => void): SlotTicket | undefined {
    if (this.#free > 0) {
      this.#free--;
      start();
      return undefined;
    }
    const place = { start, cancelled: false, started: false };
    this.#line.push(place);
    this.#waiting++;
    return {
      cancel: () => {
        if (place.cancelled || place.started) return;
        place.cancelled = true;
        this.#waiting--;
      },
    };
  }

  /** Gives a slot back: the next one in line (if any) starts. */
  release(): void {
    let next = this.#line.shift();
    while (next?.cancelled) next = this.#line.shift();
    if (next === undefined) {
      this.#free++;
    } else {
      this.#waiting--;
      next.started = true;
      next.start();
    }
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
