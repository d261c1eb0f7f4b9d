/**
 * A ledger of requests against the fault suite's ledger project: each
 * request carries a unique id, its outcome (status and error code, or no
 * answer) is recorded, and `checkLedger` then compares the outcomes with the
 * rows the database holds.
 */
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';

/** The kinds of request, by route; each writes one row tagged with its id when it succeeds. */
export const KINDS = ['write', 'fail', 'slow', 'savepoint', 'late', 'unawaited-failure', 'after-return', 'slow-commit'] as const;
/** One kind of request. */
export type Kind = (typeof KINDS)[number];

/** Kinds whose every request must fail and keep nothing. */
const MUST_FAIL = new Set<Kind>(['fail', 'unawaited-failure']);

/** What became of one request. */
export interface Outcome {
  id: string;
  kind: Kind;
  /** The HTTP status; undefined when no answer came (the client left, or the connection was cut). */
  status?: number;
  /** The error code of an error answer. */
  code?: string;
  /** True when the client itself gave up on the request. */
  abandoned: boolean;
  /** Milliseconds until the answer (or the failure). */
  ms: number;
}

/** Sends one request of `kind`, leaving after `abortAfter` ms when given. */
export async function send(url: string, kind: Kind, options: { abortAfter?: number; ms?: number } = {}): Promise<Outcome> {
  const id = randomBytes(8).toString('hex');
  const started = performance.now();
  const controller = new AbortController();
  const timer = options.abortAfter === undefined ? undefined : setTimeout(() => controller.abort(), options.abortAfter);
  try {
    const response = await fetch(`${url}/${kind}`, {
      method: 'POST',
      body: JSON.stringify({ id, ms: options.ms }),
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      signal: controller.signal,
    });
    const body = (await response.json()) as { code?: string };
    return { id, kind, status: response.status, ...(body.code !== undefined && { code: body.code }), abandoned: false, ms: performance.now() - started };
  } catch {
    return { id, kind, abandoned: controller.signal.aborted, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `count` requests, `concurrency` at a time, each made by `next(index)`. */
export async function load(count: number, concurrency: number, next: (index: number) => Promise<Outcome>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let index = 0;
  const lane = async () => {
    while (index < count) outcomes.push(await next(index++));
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return outcomes;
}

/** What the ledger check found; every list should be empty. */
export interface LedgerReport {
  /** Answered 2xx, but the row is missing. */
  missing: Outcome[];
  /** Answered with an error (other than commit_outcome_unknown), or cut by the server, yet the row exists; or a kind that must fail answered success. */
  unexpected: Outcome[];
  /** Rows written by statements sent too late. */
  late: string[];
  /** Counts by outcome, for the record. */
  counts: Record<string, number>;
}

/** Compares the outcomes with the rows of `entries` and `slow_entries`. */
export async function checkLedger(sql: postgres.Sql, outcomes: readonly Outcome[]): Promise<LedgerReport> {
  const rows = await sql<{ request_id: string }[]>`select request_id from entries union all select request_id from slow_entries`;
  const written = new Set(rows.map((row) => row.request_id));
  const report: LedgerReport = { missing: [], unexpected: [], late: [...written].filter((id) => id.endsWith(':late')), counts: {} };
  for (const outcome of outcomes) {
    const key = outcome.status === undefined ? (outcome.abandoned ? 'abandoned' : 'no answer') : `${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`;
    report.counts[key] = (report.counts[key] ?? 0) + 1;
    const has = written.has(outcome.id);
    if (outcome.status !== undefined && outcome.status < 300) {
      // A request that must fail never answers success.
      if (MUST_FAIL.has(outcome.kind)) report.unexpected.push(outcome);
      else if (!has) report.missing.push(outcome);
    } else if (outcome.code === 'commit_outcome_unknown' || outcome.abandoned) {
      // Either way is right: the outcome was unknown, or the client left before it was told.
    } else if (has) {
      report.unexpected.push(outcome);
    }
  }
  return report;
}
