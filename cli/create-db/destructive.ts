/**
 * Decides which planned statements can lose data. drizzle-kit's own
 * `hasDataLoss` is false when the table or column being dropped is empty, and
 * it says nothing about type changes it does not truncate for, so the
 * statements themselves are judged: a drop is a drop, whatever the row count.
 */

/** A planned statement that would lose data, and why. */
export interface DestructiveStatement {
  sql: string;
  reason: string;
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
