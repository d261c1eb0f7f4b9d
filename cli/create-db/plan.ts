/**
 * Plans a push, one of two ways: from the snapshot stored at the last push
 * (`generateMigration`, no database read), or by comparing the models with
 * the live catalog (`pushSchema`, with its known false differences removed).
 * drizzle-kit only plans: the statements are applied by `applyStatements`,
 * in one transaction.
 *
 * drizzle-kit was written for a terminal: it draws a spinner on stdout, asks
 * questions for ambiguous changes, and calls `process.exit(1)` when the
 * introspection fails. Here stdout is silenced and claims to be no terminal
 * (so a question fails instead of waiting), and `process.exit` is turned into
 * a thrown error for the duration of the call.
 */
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { sqlColumnName, type ColumnCasing } from '../../runtime/db/casing.js';
import { BackendtsError } from '../../runtime/core/errors.js';
import { silenceStdout } from '../output.js';
import { checkSameSnapshot, withCasedColumns } from './cased-columns.js';
import { findDestructive, type DestructiveStatement } from './destructive.js';
import { narrowToChangedTables } from './snapshot-narrow.js';
import { sqlLiteral } from './sql-literal.js';
import { drizzleKitExecutor, type SqlRunner } from './sql-runner.js';

/** What a push would do. */
export interface PushPlan {
  /** Statements in the order they must run. */
  statements: string[];
  /** The ones that would lose data. */
  destructive: DestructiveStatement[];
  /** drizzle-kit's notes about data in tables it changes (no colours). */
  warnings: string[];
}

/** Options of {@link planPush}. */
export interface PlanOptions {
  /** Named in error messages (`PostgreSQL database "x" on host:port`). */
  target: string;
  /** `[database] casing`: the SQL names of columns declared without one. */
  casing?: ColumnCasing | undefined;
}

class ExitCalled extends Error {
  constructor(readonly exitCode: unknown) {
    super(`drizzle-kit tried to exit the process (code ${String(exitCode)})`);
  }
}

/**
 * Loads drizzle-kit's API. Call it before the TypeScript loader is registered:
 * the loader's hooks make importing this one large module about five times slower.
 */
export function preloadDrizzleKit(): Promise<typeof import('drizzle-kit/api')> {
  return import('drizzle-kit/api');
}

/**
 * Asks drizzle-kit which statements bring the live database to the models
 * (introspection: for a database changed by hand, or with no stored
 * snapshot); changes nothing.
 */
export async function planPush(
  imports: Record<string, unknown>,
  snapshot: Record<string, unknown>,
  schemaNames: readonly string[],
  runner: SqlRunner,
  options: PlanOptions,
): Promise<PushPlan> {
  const { pushSchema, generateDrizzleJson } = await preloadDrizzleKit();
  let lastQueryError: unknown;
  const executor = drizzleKitExecutor(runner, (error) => {
    lastQueryError = error;
  });
  let result: Awaited<ReturnType<typeof pushSchema>>;
  try {
    result = await withCasedColumns(imports, options.casing, () => {
      if (options.casing !== undefined) {
        const { id: _id, prevId: _prevId, ...cased } = generateDrizzleJson(imports, undefined, [...schemaNames]) as unknown as Record<string, unknown>;
        checkSameSnapshot(cased, snapshot, options.casing);
      }
      return callDrizzleKit(() => pushSchema(imports, executor as never, [...schemaNames]), options.target, () => lastQueryError);
    });
  } finally {
    // Tables still being read when another failed must not query a closing connection.
    await executor.close();
  }
  const planned = withoutFalseDifferences(clean(result.statementsToExecute), imports, options.casing).map((statement) =>
    withPolicyExpressions(statement, snapshot),
  );
  const statements = await withoutSameDefaults(await withoutSameUniqueConstraints(await withoutSamePrimaryKeys(planned, runner), runner), runner);
  return { statements, destructive: findDestructive(statements), warnings: result.warnings.map(stripAnsi) };
}

/**
 * Plans from the snapshot stored at the last push: drizzle-kit's
 * snapshot-to-snapshot diff, the one `drizzle-kit generate` uses. No
 * database is read, so the result depends on the two snapshots only. The
 * tables equal on both sides are left out first (see snapshot-narrow.ts).
 */
export async function planFromSnapshot(previous: Record<string, unknown>, current: Record<string, unknown>, options: PlanOptions): Promise<PushPlan> {
  const { generateMigration } = await preloadDrizzleKit();
  const narrowed = narrowToChangedTables(previous, current);
  const result = await callDrizzleKit(() => generateMigration(withIds(narrowed.previous), withIds(narrowed.current)), options.target, () => undefined);
  const statements = clean(result);
  return { statements, destructive: findDestructive(statements), warnings: [] };
}

/**
 * Runs a drizzle-kit call the way a terminal-less command must: its spinner
 * silenced, a question failing instead of waiting (stdout is no TTY),
 * `process.exit` turned into a thrown error, every failure a BackendtsError.
 */
async function callDrizzleKit<T>(call: () => Promise<T>, target: string, queryError: () => unknown): Promise<T> {
  const originalExit = process.exit;
  process.exit = ((code?: unknown) => {
    throw new ExitCalled(code);
  }) as typeof process.exit;
  const silenced = silenceStdout();
  try {
    const result = await call();
    silenced.restore();
    return result;
  } catch (error) {
    throw explainFailure(error, queryError(), silenced.restore(), target);
  } finally {
    process.exit = originalExit;
  }
}

function clean(statements: readonly string[]): string[] {
  return statements.map((statement) => statement.trim()).filter((statement) => statement !== '');
}

/** drizzle-kit's snapshot format wants ids; their values do not change the diff. */
function withIds(snapshot: Record<string, unknown>): never {
  return { id: '00000000-0000-0000-0000-000000000000', prevId: '00000000-0000-0000-0000-000000000000', ...snapshot } as never;
}

const DROP_NOT_NULL = /^ALTER TABLE (?:"((?:[^"]|"")+)"\.)?"((?:[^"]|"")+)" ALTER COLUMN "((?:[^"]|"")+)" DROP NOT NULL;?$/;

/**
 * Removes what the live comparison gets wrong: a column of a composite
 * primary key is NOT NULL in PostgreSQL, but not in the model, so drizzle-kit
 * plans `DROP NOT NULL` on it (which PostgreSQL would refuse).
 */
function withoutFalseDifferences(statements: string[], imports: Record<string, unknown>, casing: ColumnCasing | undefined): string[] {
  const keyColumns = new Set<string>();
  for (const value of Object.values(imports)) {
    if (!is(value, PgTable)) continue;
    const config = getTableConfig(value);
    for (const key of config.primaryKeys) {
      for (const column of key.columns) keyColumns.add(JSON.stringify([config.schema ?? 'public', config.name, sqlColumnName(column, casing)]));
    }
  }
  return statements.filter((statement) => {
    const match = DROP_NOT_NULL.exec(statement);
    if (!match) return true;
    const [, schema = 'public', table, column] = match.map((part) => part?.replace(/""/g, '"'));
    return !keyColumns.has(JSON.stringify([schema, table, column]));
  });
}

const READD_PRIMARY_KEY =
  /^ALTER TABLE ((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+") DROP CONSTRAINT "((?:[^"]|"")+)";\s*--> statement-breakpoint\s*ALTER TABLE \1 ADD CONSTRAINT "\2" PRIMARY KEY\(((?:"(?:[^"]|"")+",?)+)\);?$/;

/**
 * Removes the re-creation of a composite primary key that is already there
 * under that name, on those columns: the live comparison can pair a table
 * with another table's key name (its key lookup runs concurrently for all
 * tables, without its parameters), and then plans to drop and re-add it.
 */
async function withoutSamePrimaryKeys(statements: string[], runner: SqlRunner): Promise<string[]> {
  const kept: string[] = [];
  for (const statement of statements) {
    const match = READD_PRIMARY_KEY.exec(statement);
    if (match) {
      const [, table, name, columns] = match;
      const live = await liveConstraint(runner, table!, name!);
      if (live?.type === 'p' && live.columns === columns) continue;
    }
    kept.push(statement);
  }
  return kept;
}

const DROP_CONSTRAINT = /^ALTER TABLE ((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+") DROP CONSTRAINT "((?:[^"]|"")+)";?$/;
const ADD_UNIQUE = /^ALTER TABLE ((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+") ADD CONSTRAINT "((?:[^"]|"")+)" UNIQUE( NULLS NOT DISTINCT)?\(((?:"(?:[^"]|"")+",?)+)\);?$/;

/**
 * Removes the drop and re-creation of a unique constraint that is already
 * there under that name, on those columns in that order: the live
 * comparison reads a constraint's columns in table order, so one declared
 * on (b, a) never matches and was re-created on every run.
 */
async function withoutSameUniqueConstraints(statements: string[], runner: SqlRunner): Promise<string[]> {
  const drops = new Map<string, number>();
  statements.forEach((statement, index) => {
    const match = DROP_CONSTRAINT.exec(statement);
    if (match) drops.set(JSON.stringify([match[1], match[2]]), index);
  });
  const unneeded = new Set<number>();
  for (const [index, statement] of statements.entries()) {
    const match = ADD_UNIQUE.exec(statement);
    if (!match) continue;
    const [, table, name, nullsNotDistinct, columns] = match;
    const drop = drops.get(JSON.stringify([table, name]));
    if (drop === undefined || drop > index) continue;
    const live = await liveConstraint(runner, table!, name!);
    if (live?.type === 'u' && live.columns === columns && live.nullsNotDistinct === (nullsNotDistinct !== undefined)) {
      unneeded.add(drop).add(index);
    }
  }
  return statements.filter((_statement, index) => !unneeded.has(index));
}

const SET_DEFAULT = /^ALTER TABLE ((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+") ALTER COLUMN "((?:[^"]|"")+)" SET DEFAULT (.+?);?$/s;

/**
 * Removes a `SET DEFAULT` of the default the column already has: the live
 * comparison reads a default back as PostgreSQL prints it, so a keyword the
 * model writes in another case (`current_user`, printed `CURRENT_USER`) was
 * set again on every run. Quoted text is compared as it is.
 */
async function withoutSameDefaults(statements: string[], runner: SqlRunner): Promise<string[]> {
  const kept: string[] = [];
  for (const statement of statements) {
    const match = SET_DEFAULT.exec(statement);
    if (match) {
      const [, table, column, expression] = match;
      const [live] = await runner.query(
        `select pg_get_expr(d.adbin, d.adrelid) as expression from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
         where d.adrelid = to_regclass(${sqlLiteral(table!)}) and a.attname = ${sqlLiteral(column!.replace(/""/g, '"'))}`,
      );
      if (live !== undefined && sameExpressionText(String(live.expression), expression!)) continue;
    }
    kept.push(statement);
  }
  return kept;
}

/** Equal but for the case and spacing of what is outside quotes. */
function sameExpressionText(a: string, b: string): boolean {
  const normal = (text: string) => text.split(/('(?:[^']|'')*'|"(?:[^"]|"")*")/).map((part, index) => (index % 2 === 1 ? part : part.toLowerCase().replace(/\s+/g, ''))).join('');
  return normal(a) === normal(b);
}

/** A constraint of the live catalog: its type (`p`, `u`, …), its columns as drizzle-kit writes them (`"a","b"`, in key order). */
async function liveConstraint(runner: SqlRunner, table: string, name: string): Promise<{ type: string; columns: string; nullsNotDistinct: boolean } | undefined> {
  const [live] = await runner.query(
    `select c.contype as type, (select string_agg('"' || replace(a.attname, '"', '""') || '"', ',' order by k.ord) from unnest(c.conkey) with ordinality k(attnum, ord)
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as columns,
       coalesce((select to_jsonb(i) ->> 'indnullsnotdistinct' from pg_index i where i.indexrelid = c.conindid), 'false') as nulls_not_distinct
     from pg_constraint c where c.conrelid = to_regclass(${sqlLiteral(table)}) and c.conname = ${sqlLiteral(name.replace(/""/g, '"'))}`,
  );
  if (live === undefined) return undefined;
  return { type: String(live.type), columns: String(live.columns), nullsNotDistinct: String(live.nulls_not_distinct) === 'true' };
}

const CREATE_POLICY = /^CREATE POLICY "((?:[^"]|"")+)" ON (?:"((?:[^"]|"")+)"\.)?"((?:[^"]|"")+)" (.*?);?$/s;

interface SnapshotPolicy {
  using?: string;
  withCheck?: string;
}

/**
 * The live comparison keeps only a policy's name, `as`, `for` and `to`
 * (upstream drizzle-kit issue 3504), so the policies it creates lack their
 * USING and WITH CHECK: they are taken from the models' snapshot.
 */
function withPolicyExpressions(statement: string, snapshot: Record<string, unknown>): string {
  const match = CREATE_POLICY.exec(statement);
  if (!match || /\b(USING|WITH CHECK)\s*\(/.test(match[4]!)) return statement;
  const [, name, schema = 'public', table] = match.map((part) => part?.replace(/""/g, '"'));
  const tables = (snapshot.tables ?? {}) as Record<string, { policies?: Record<string, SnapshotPolicy> }>;
  const policy = tables[`${schema}.${table}`]?.policies?.[name!];
  if (policy === undefined) return statement;
  const using = policy.using === undefined ? '' : ` USING (${policy.using})`;
  const withCheck = policy.withCheck === undefined ? '' : ` WITH CHECK (${policy.withCheck})`;
  return `${statement.replace(/;$/, '')}${using}${withCheck};`;
}

function explainFailure(error: unknown, queryError: unknown, written: string, target: string): BackendtsError {
  const message = error instanceof Error ? error.message : String(error);
  if (/Interactive prompts require a TTY/i.test(message)) {
    if (/unique constraint/i.test(written)) {
      return new BackendtsError(
        'BT_CREATE_DB_AMBIGUOUS',
        `a unique constraint would be added to a table that already holds rows in ${target}; drizzle-kit wants to ask whether to empty the table first`,
        {
          hint: 'add the constraint yourself (ALTER TABLE ... ADD CONSTRAINT ... UNIQUE) once the rows are unique, then run create_db again',
          cause: error,
        },
      );
    }
    return new BackendtsError(
      'BT_CREATE_DB_AMBIGUOUS',
      `the schema change is ambiguous for ${target}: a table or column disappeared while another appeared, which could be a rename; create_db never asks questions`,
      {
        hint:
          'make the change in two runs: first only remove the old table or column (create_db --force), then add the new one; ' +
          'or rename it in the database yourself (ALTER TABLE ... RENAME ...) before running create_db',
        cause: error,
      },
    );
  }
  if (error instanceof ExitCalled || queryError !== undefined) {
    const cause = queryError ?? error;
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new BackendtsError('BT_CREATE_DB_INTROSPECT', `reading the current schema of ${target} failed: ${detail}`, {
      hint: 'check that the database is reachable and that its user may read the catalog; run with --debug for the stack',
      cause,
    });
  }
  if (error instanceof BackendtsError) return error;
  return new BackendtsError('BT_CREATE_DB_PLAN', `planning the schema push for ${target} failed: ${message}`, {
    hint: 'check the collected models (backendts codegen) and run with --debug for the stack',
    cause: error,
  });
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
