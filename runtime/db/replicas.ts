/**
 * The read replicas of a PostgreSQL engine: one postgres.js pool each, taken
 * in turn. A replica whose connections fail is skipped (its reads go to the
 * primary) and logged once, through the same {@link Availability} as the
 * primary's; while it is down one request in {@link REPLICA_RETRY_MS} tries it
 * again, so it comes back without a restart.
 */
import type postgres from 'postgres';
import { Availability, type AvailabilityLogger } from './availability.js';
import { slotsOf, type SlotCounts } from './transaction-slots.js';

/** How often a replica known to be down is tried again, in milliseconds. */
export const REPLICA_RETRY_MS = 5_000;

/** One replica's pool. */
export interface Replica {
  /** "PostgreSQL replica "x" on host:port", never the password. */
  readonly where: string;
  /** Its postgres.js pool (same size and options as the primary's). */
  readonly client: postgres.Sql;
  /** Whether it answers; its outage and recovery are logged once each. */
  readonly availability: Availability;
}

/** A replica's counts in `engine.stats()`. */
export interface ReplicaStats extends SlotCounts {
  /** Host and port. */
  replica: string;
  /** True while it is skipped for failing connections. */
  down: boolean;
}

/** The replicas of one engine. */
export class ReplicaSet {
  readonly #replicas: (Replica & { retryAt: number; hostPort: string })[];
  readonly #poolSize: number;
  #next = 0;

  constructor(replicas: { where: string; hostPort: string; client: postgres.Sql }[], poolSize: number, logger: AvailabilityLogger) {
    this.#poolSize = poolSize;
    this.#replicas = replicas.map((replica) => ({
      ...replica,
      availability: new Availability(replica.where, logger, 'its reads go to the primary until it answers again'),
      retryAt: 0,
    }));
  }

  /** True when there is at least one replica. */
  get configured(): boolean {
    return this.#replicas.length > 0;
  }

  /** The next replica to read from, in turn, skipping those down (but one of them after each retry interval); undefined: read from the primary. */
  pick(): Replica | undefined {
    const count = this.#replicas.length;
    const now = performance.now();
    for (let i = 0; i < count; i++) {
      const replica = this.#replicas[(this.#next + i) % count]!;
      if (replica.availability.down) {
        if (now < replica.retryAt) continue;
        replica.retryAt = now + REPLICA_RETRY_MS;
      }
      this.#next = (this.#next + i + 1) % count;
      return replica;
    }
    return undefined;
  }

  /** Skips `replica` for the next retry interval: a transaction could not be opened on it. */
  skip(replica: Replica): void {
    const entry = this.#replicas.find((candidate) => candidate.client === replica.client);
    if (entry !== undefined) entry.retryAt = performance.now() + REPLICA_RETRY_MS;
  }

  /** Each replica's transaction slots and state. */
  stats(): ReplicaStats[] {
    return this.#replicas.map((replica) => ({
      replica: replica.hostPort,
      down: replica.availability.down,
      ...slotsOf(replica.client, this.#poolSize).counts(),
    }));
  }

  /** Closes every replica's pool. */
  async close(timeout: number): Promise<void> {
    await Promise.all(this.#replicas.map((replica) => replica.client.end({ timeout })));
  }
}
