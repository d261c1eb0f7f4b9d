/**
 * Ports for the servers the tests and benchmarks start themselves
 * (throwaway clusters, PgBouncer). They are picked at random below the
 * kernel's ephemeral range: servers listening on port 0 and outgoing
 * connections take their ports from that range, so a port drawn in it was
 * sometimes already taken by another test's server, which then answered in
 * PgBouncer's place. Callers still retry when a port is taken.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The lowest port any system hands out for port 0 (Linux's range starts at 32768, macOS and Windows at 49152). */
const LOWEST_EPHEMERAL = 32_768;
const LOWEST = 20_000;

/** The first port of Linux's ephemeral range when it is readable and lower than usual; else {@link LOWEST_EPHEMERAL}. */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > LOWEST + 1_000 ? Math.min(first, LOWEST_EPHEMERAL) : LOWEST_EPHEMERAL;
  } catch {
    return LOWEST_EPHEMERAL;
  }
}

/** A random port for a server of our own on 127.0.0.1, outside the range port-0 servers and outgoing connections use. */
export function randomServerPort(): number {
  return randomInt(LOWEST, ephemeralStart());
}
