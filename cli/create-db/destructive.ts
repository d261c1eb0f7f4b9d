/**
 * Decides which planned statements can lose data. drizzle-kit's own
 * `hasDataLoss` is false when the table or column being dropped is empty, and
 * it says nothing about type changes it does not truncate for, so the
 * statements themselves are judged: a drop is a drop, whatever the row count.
 */

import { truncateReach, type ReachedTable } from './truncate-reach.js';
import type { SqlRunner } from './sql-runner.js';

/** A planned statement that would lose data, and why. */
export interface DestructiveStatement {
  sql: string;
  reason: string;
  /** For a TRUNCATE: every table it empties (through CASCADE too), once read from the database. */
  empties?: ReachedTable[];
}

const RULES: { pattern: RegExp; reason: string }[] = [
  { pattern: /^\s*DROP\s+TABLE\b/i, reason: 'drops a table' },
  { pattern: /\bDROP\s+COLUMN\b/i, reason: 'drops a column' },
  { pattern: /\bALTER\s+COLUMN\s+("(?:[^"]|"")*"|\S+)\s+(SET\s+DATA\s+)?TYPE\b/i, reason: 'changes a column type' },
  { pattern: /^\s*TRUNCATE\b/i, reason: 'empties a table' },
  { pattern: /^\s*DROP\s+SCHEMA\b/i, reason: 'drops a schema' },
  { pattern: /^\s*DROP\s+TYPE\b/i, reason: 'drops a type' },
  { pattern: /^\s*DROP\s+SEQUENCE\b/i, reason: 'drops a sequence' },
  { pattern: /^\s*DROP\s+MATERIALIZED\s+VIEW\b/i, reason: 'drops a materialized view' },
  { pattern: /^\s*DELETE\s+FROM\b/i, reason: 'deletes rows' },
];

/** The statements of a plan that would lose data, in plan order. */
export function findDestructive(statements: readonly string[]): DestructiveStatement[] {
  const found: DestructiveStatement[] = [];
  for (const sql of statements) {
    const rule = RULES.find((candidate) => candidate.pattern.test(sql));
    if (rule) found.push({ sql, reason: rule.reason });
  }
  return found;
}

/** Adds to each TRUNCATE the tables it would empty and their rows, read from the database the plan is for. */
export async function withTruncateReach(runner: SqlRunner, destructive: readonly DestructiveStatement[]): Promise<DestructiveStatement[]> {
  const described: DestructiveStatement[] = [];
  for (const item of destructive) {
    const empties = await truncateReach(runner, item.sql);
    described.push(empties.length > 0 ? { ...item, empties } : item);
  }
  return described;
}
