/**
 * Whether the PostgreSQL server answers, as seen by the transactions the
 * engine opens: the first failure to open one is logged once ("unreachable"),
 * and so is the first success after it ("reachable again"), however many
 * requests fail in between. While it is down, requests wait at most
 * `connect_timeout` for a connection, and a timeout says the database is
 * unreachable rather than that the pool is busy.
 *
 * Outcomes count only for attempts begun since the last change: one begun
 * before it (a request that got its connection just before the outage, or
 * one that failed just before the recovery and answered after it) says
 * nothing new and is ignored, so the log does not flap.
 */
import { reasonOf } from './faults.js';

/** Where the availability log goes (the project's `bp.logger`, or the console). */
export interface AvailabilityLogger {
  error(message: string): void;
  info(message: string): void;
}

/** One attempt to open a connection (a transaction); report how it ended. */
export interface Attempt {
  succeeded(): void;
  failed(error: unknown): void;
}

/** The engine's view of its server: up, or down since the first failed attempt. */
export class Availability {
  #down = false;
  /** Counts the changes between up and down; an attempt remembers the one it began in. */
  #generation = 0;
  #downSince = 0;
  #lastError: unknown;

  constructor(
    /** "PostgreSQL database "x" on host:port", never the password. */
    private readonly where: string,
    private readonly logger: AvailabilityLogger,
    /** What happens meanwhile, for the outage line. */
    private readonly meanwhile = 'requests get 503 until it answers again',
  ) {}

  /** True from the first failed open until one succeeds again. */
  get down(): boolean {
    return this.#down;
  }

  /** The error of the failure that made it down (or the latest one since), for messages. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Starts an attempt; its outcome counts only if nothing changed since it began. */
  attempt(): Attempt {
    const generation = this.#generation;
    return {
      succeeded: () => {
        if (!this.#down || generation !== this.#generation) return;
        this.#down = false;
        this.#generation++;
        const seconds = ((performance.now() - this.#downSince) / 1000).toFixed(1);
        this.logger.info(`backendts: the ${this.where} is reachable again (recovered after ${seconds} s)`);
      },
      failed: (error) => {
        if (this.#down) {
          this.#lastError = error;
          return;
        }
        if (generation !== this.#generation) return;
        this.#down = true;
        this.#generation++;
        this.#lastError = error;
        this.#downSince = performance.now();
        this.logger.error(
          `backendts: the ${this.where} is unreachable (${reasonOf(error)}); ${this.meanwhile}`,
        );
      },
    };
  }
}
