/**
 * A ledger of requests against the fault suite's ledger project: each
 * request carries a unique id, its outcome (status and error code, or no
 * answer) is recorded, and `checkLedger` then compares the outcomes with the
 * rows the database holds.
 */
import type postgres from 'postgres';
import { sendOne, type Sent } from './load.js';

/** The kinds of request, by route; each writes one row tagged with its id when it succeeds. */
export const KINDS = ['write', 'fail', 'slow', 'savepoint', 'late', 'unawaited-failure', 'after-return', 'slow-commit'] as const;
/** One kind of request. */
export type Kind = (typeof KINDS)[number];

/** Kinds whose every request must fail and keep nothing. */
const MUST_FAIL = new Set<Kind>(['fail', 'unawaited-failure']);

/** What became of one request, and which kind it was. */
export interface Outcome extends Sent {
  kind: Kind;
}

/** Sends one request of `kind` (its id in the body), leaving after `abandonAfterMs` when given. */
export async function send(url: string, kind: Kind, options: { abandonAfterMs?: number; ms?: number } = {}): Promise<Outcome> {
  const sent = await sendOne(url, {
    path: () => `/${kind}`,
    body: (id) => ({ id, ms: options.ms }),
    timeoutMs: 30_000,
    ...(options.abandonAfterMs !== undefined && { abandonAfterMs: options.abandonAfterMs }),
  });
  return { ...sent, kind };
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
    const answered = outcome.status !== 0;
    const key = answered ? `${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}` : outcome.code === 'abandoned' ? 'abandoned' : 'no answer';
    report.counts[key] = (report.counts[key] ?? 0) + 1;
    const has = written.has(outcome.requestId);
    if (answered && outcome.status < 300) {
      // A request that must fail never answers success.
      if (MUST_FAIL.has(outcome.kind)) report.unexpected.push(outcome);
      else if (!has) report.missing.push(outcome);
    } else if (outcome.code === 'commit_outcome_unknown' || outcome.code === 'abandoned') {
      // Either way is right: the outcome was unknown, or the client left before it was told.
    } else if (has) {
      report.unexpected.push(outcome);
    }
  }
  return report;
}
