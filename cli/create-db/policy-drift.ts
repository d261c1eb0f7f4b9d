/**
 * Policies whose USING or WITH CHECK differ from the models in the live
 * database: drizzle-kit's live comparison ignores those expressions
 * (upstream issue 3504). PostgreSQL stores an expression deparsed
 * (`owner = current_user` becomes `(owner = CURRENT_USER)`), so the model's
 * expression is deparsed by PostgreSQL itself: created as a probe policy on
 * the same table, in a transaction that is always rolled back.
 */
import { quoteIdentifier as identifier } from './postgres.js';
import { sqlLiteral } from './sql-literal.js';
import type { PushSession, SqlRunner } from './sql-runner.js';

interface ModelPolicy {
  schema: string;
  table: string;
  name: string;
  for?: string;
  using?: string;
  withCheck?: string;
}

class RollBack extends Error {}

/** `ALTER POLICY` statements that bring the live policies' expressions to the models'; none when they match. */
export async function policyRepairs(snapshot: Record<string, unknown>, session: PushSession, schemaNames: readonly string[]): Promise<string[]> {
  const live = await livePolicies(session.planner, schemaNames);
  const candidates = modelPolicies(snapshot).filter((policy) => live.has(key(policy)) && (policy.using !== undefined || policy.withCheck !== undefined));
  if (candidates.length === 0) return [];
  let deparsed = new Map<string, { qual: unknown; with_check: unknown }>();
  try {
    await session.applyInTransaction(async (runner) => {
      deparsed = await probe(runner, candidates);
      throw new RollBack();
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  const repairs: string[] = [];
  for (const policy of candidates) {
    const current = live.get(key(policy))!;
    const wanted = deparsed.get(key(policy))!;
    const usingDiffers = policy.using !== undefined && current.qual !== wanted.qual;
    const checkDiffers = policy.withCheck !== undefined && current.with_check !== wanted.with_check;
    if (!usingDiffers && !checkDiffers) continue;
    const using = policy.using === undefined ? '' : ` USING (${policy.using})`;
    const withCheck = policy.withCheck === undefined ? '' : ` WITH CHECK (${policy.withCheck})`;
    repairs.push(`ALTER POLICY ${identifier(policy.name)} ON ${identifier(policy.schema)}.${identifier(policy.table)}${using}${withCheck};`);
  }
  return repairs;
}

function modelPolicies(snapshot: Record<string, unknown>): ModelPolicy[] {
  const tables = (snapshot.tables ?? {}) as Record<string, { name: string; schema?: string; policies?: Record<string, Omit<ModelPolicy, 'schema' | 'table'>> }>;
  return Object.values(tables).flatMap((table) =>
    Object.values(table.policies ?? {}).map((policy) => ({ ...policy, schema: table.schema || 'public', table: table.name })),
  );
}

async function livePolicies(runner: SqlRunner, schemaNames: readonly string[]): Promise<Map<string, { qual: unknown; with_check: unknown }>> {
  const rows = await runner.query(
    `select schemaname, tablename, policyname, qual, with_check from pg_policies where schemaname in (${schemaNames.map(sqlLiteral).join(', ')})`,
  );
  return new Map(rows.map((row) => [JSON.stringify([row.schemaname, row.tablename, row.policyname]), { qual: row.qual, with_check: row.with_check }]));
}

/** Creates each model expression as a probe policy and reads back how PostgreSQL stores it. */
async function probe(runner: SqlRunner, policies: readonly ModelPolicy[]): Promise<Map<string, { qual: unknown; with_check: unknown }>> {
  const found = new Map<string, { qual: unknown; with_check: unknown }>();
  for (const [index, policy] of policies.entries()) {
    const name = `backendts_probe_${index}`;
    const using = policy.using === undefined ? '' : ` USING (${policy.using})`;
    const withCheck = policy.withCheck === undefined ? '' : ` WITH CHECK (${policy.withCheck})`;
    const command = policy.for === undefined ? '' : ` FOR ${policy.for.toUpperCase()}`;
    await runner.query(`CREATE POLICY ${identifier(name)} ON ${identifier(policy.schema)}.${identifier(policy.table)}${command}${using}${withCheck}`);
    const [row] = await runner.query(
      `select qual, with_check from pg_policies where schemaname = ${sqlLiteral(policy.schema)} and tablename = ${sqlLiteral(policy.table)} and policyname = ${sqlLiteral(name)}`,
    );
    found.set(key(policy), { qual: row?.qual ?? null, with_check: row?.with_check ?? null });
  }
  return found;
}

function key(policy: { schema: string; table: string; name: string }): string {
  return JSON.stringify([policy.schema, policy.table, policy.name]);
}
