/**
 * Corrects what drizzle-kit 0.31's snapshot diff gets wrong for a migration
 * that must run as written: when a table is dropped together with the
 * foreign keys that point at it, it plans `DROP TABLE … CASCADE` first (which
 * drops those keys) and then `DROP CONSTRAINT` on each key, which then fails.
 * Such a `DROP CONSTRAINT` becomes `DROP CONSTRAINT IF EXISTS`.
 */
import type { Snapshot } from './renames.js';

const DROP_TABLE = /^DROP TABLE (?:"((?:[^"]|"")+)"\.)?"((?:[^"]|"")+)" CASCADE;$/;
const DROP_CONSTRAINT = /^(ALTER TABLE .+ DROP CONSTRAINT) ("(?:[^"]|"")+";)$/;

/** The statements with each foreign key that an earlier `DROP TABLE … CASCADE` removes dropped only if still there. */
export function withoutCascadedDrops(statements: readonly string[], previous: Snapshot): string[] {
  const targets = new Map<string, string>();
  for (const [key, table] of Object.entries(previous.tables)) {
    for (const [name, fk] of Object.entries(table.foreignKeys ?? {})) targets.set(`${key}:${name}`, `${fk.schemaTo || 'public'}.${fk.tableTo}`);
  }
  const dropped = new Set<string>();
  return statements.map((statement) => {
    const drop = DROP_TABLE.exec(statement);
    if (drop) dropped.add(`${drop[1] ?? 'public'}.${drop[2]}`.replace(/""/g, '"'));
    const constraint = DROP_CONSTRAINT.exec(statement);
    if (!constraint) return statement;
    const name = constraint[2]!.slice(1, -2).replace(/""/g, '"');
    const pointsAtDropped = [...targets].some(([fk, target]) => fk.endsWith(`:${name}`) && dropped.has(target));
    return pointsAtDropped ? `${constraint[1]} IF EXISTS ${constraint[2]}` : statement;
  });
}
