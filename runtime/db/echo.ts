/**
 * The `echo` setting's log: one line per SQL statement sent. Only the SQL
 * text is written, never the parameters (they may hold users' secrets), and
 * the connection URL (with its password) is never part of it.
 */

/** Receives one SQL statement as sent to the database. */
export type SqlLog = (sql: string) => void;

/** The default echo log: `[backendts sql] <statement>` on the console. */
export function echoLogger(write: (line: string) => void = (line) => console.log(line)): SqlLog {
  return (sql) => write(`[backendts sql] ${sql.replace(/\s+/g, ' ').trim()}`);
}
