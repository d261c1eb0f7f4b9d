/**
 * The text of a migration file, and the statements read back from one. The
 * statements are separated by drizzle-kit's `--> statement-breakpoint`
 * line, so a file may be edited by hand (a data migration between two
 * statements, say): each part between breakpoints runs as one query, and may
 * hold several statements.
 */
import { findDestructive } from '../create-db/destructive.js';

/** drizzle-kit's separator between two statements of a migration. */
export const BREAKPOINT = '--> statement-breakpoint';

/** What the header of a new migration says. */
export interface MigrationHeader {
  name: string;
  /** Apps whose models changed, sorted. */
  apps: string[];
  /** Tables the diff dropped that no app defines any more. */
  orphanTables: string[];
}

/** The file text: a header, then each statement, those that lose data marked. */
export function renderMigration(header: MigrationHeader, statements: readonly string[]): string {
  const destructive = new Map(findDestructive(statements).map((item) => [item.sql, item.reason]));
  const lines = [
    `-- ${header.name}: written by backendts makemigrations; review it, commit it, apply it with backendts migrate.`,
    `-- apps whose models changed: ${header.apps.length > 0 ? header.apps.join(', ') : '(none)'}`,
  ];
  if (header.orphanTables.length > 0) lines.push(`-- tables no app defines any more: ${header.orphanTables.join(', ')}`);
  lines.push(`-- statements that lose data: ${destructive.size === 0 ? 'none' : `${destructive.size}, each marked "-- loses data"`}`, '');
  const parts = statements.map((statement) => {
    const reason = destructive.get(statement);
    return reason === undefined ? statement : `-- loses data: ${reason}\n${statement}`;
  });
  return `${lines.join('\n')}\n${parts.join(`\n${BREAKPOINT}\n`)}\n`;
}

/** The statements of a migration file, in order: the parts between breakpoints that hold more than comments. */
export function migrationStatements(sql: string): string[] {
  return sql
    .replace(/\r\n/g, '\n')
    .split(/^\s*--> statement-breakpoint\s*$/m)
    .map((part) => part.trim())
    .filter((part) => part.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--')));
}
