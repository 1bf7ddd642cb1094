/**
 * Exact completion counts from the trigger-maintained aggregates instead of
 * the completions, for the filters they can answer: runs and ground truths
 * (their keys) with at most one verdict filter (intent verdict, policy
 * verdict or system success, whose counts they hold per run and ground
 * truth). A few hundred rows read whatever the data size, where a count over
 * the completions reads every match (a third of a million rows for one
 * verdict at a million cases).
 */
import type pg from "pg";
import { parameters, type ResolvedCompletionFilter } from "./completions";

/** run_intent_stats columns holding each verdict value's count. */
const INTENT_COLUMNS = { correct: "s.correct", wrong: "s.wrong", format_error: "s.format_error" } as const;
const POLICY_COLUMNS = { pass: "s.policy_pass", fail: "s.policy_fail", pending: "s.policy_pending" } as const;
const SYSTEM_COLUMNS = { true: "s.system_success", false: "(s.total - s.system_success)" } as const;

const KEYS = new Set(["run", "expectedIntent"]);
const VERDICTS = new Set(["intentVerdict", "policyVerdict", "systemSuccess"]);

/** The filters present (set to a value). */
function present(filter: ResolvedCompletionFilter): string[] {
  return Object.entries(filter).filter(([, value]) => value !== undefined).map(([id]) => id);
}

/** Whether the aggregates can count this filter's completions exactly. */
export function statsCountable(filter: ResolvedCompletionFilter): boolean {
  const ids = present(filter);
  return ids.every((id) => KEYS.has(id) || VERDICTS.has(id)) && ids.filter((id) => VERDICTS.has(id)).length <= 1;
}

/** SQL summing, per run_intent_stats row `s`, the completions the filter's verdict keeps (all without one). */
export function statsMeasure(filter: ResolvedCompletionFilter): string {
  const sum = (columns: readonly string[]) => columns.join(" + ");
  if (filter.intentVerdict) return sum([...new Set(filter.intentVerdict)].map((v) => INTENT_COLUMNS[v]));
  if (filter.policyVerdict) return sum([...new Set(filter.policyVerdict)].map((v) => POLICY_COLUMNS[v]));
  if (filter.systemSuccess !== undefined) return SYSTEM_COLUMNS[String(filter.systemSuccess) as "true" | "false"];
  return "s.total";
}

/** WHERE over run_intent_stats `s` for the filter's runs and ground truths. */
export function statsWhere(projectId: number, filter: ResolvedCompletionFilter, bind: (value: unknown) => string): string {
  const where = [`s.project_id = ${bind(projectId)}`];
  if (filter.run) where.push(`s.run_id = ANY(${bind(filter.run)}::int4[])`);
  if (filter.expectedIntent) where.push(`s.expected_intent = ANY(${bind(filter.expectedIntent)}::text[])`);
  return where.join(" AND ");
}

/** The number of completions matching a stats-countable filter. */
export async function statsCount(db: pg.ClientBase | pg.Pool, projectId: number, filter: ResolvedCompletionFilter): Promise<number> {
  const { values, bind } = parameters();
  const { rows } = await db.query<{ n: number }>(`SELECT coalesce(sum(${statsMeasure(filter)}), 0)::float8 AS n FROM run_intent_stats s WHERE ${statsWhere(projectId, filter, bind)}`, values);
  return rows[0]!.n;
}

/** Counts by run id or by ground truth for a stats-countable filter. */
export async function statsCountBy(db: pg.ClientBase | pg.Pool, projectId: number, by: "run" | "expectedIntent", filter: ResolvedCompletionFilter): Promise<Map<string, number>> {
  const { values, bind } = parameters();
  const key = by === "run" ? "s.run_id::text" : "s.expected_intent";
  const { rows } = await db.query<{ value: string; n: number }>(
    `SELECT ${key} AS value, sum(${statsMeasure(filter)})::float8 AS n FROM run_intent_stats s WHERE ${statsWhere(projectId, filter, bind)} GROUP BY 1 HAVING sum(${statsMeasure(filter)}) > 0`,
    values,
  );
  return new Map(rows.map((row) => [row.value, row.n]));
}
