/** A string as an SQL literal: create_db's runners take no parameters. */
export function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
