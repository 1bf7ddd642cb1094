/**
 * Exact completion counts from the trigger-maintained `completion_counts`
 * instead of the completions, for every filter made only of its keys: runs,
 * ground truths, predicted intents, intent and policy verdicts, system success
 * and tags (in any combination). Its rows are per (run, ground truth,
 * prediction, verdicts, the case's tag array): thousands whatever the data
 * size, where a count over the completions reads every match (a third of a
 * million rows for one verdict at a million cases). Text search and the
 * case-level filters (agreement, winner) are not among its keys; an
 * agreement over every run comes from case_outcome_counts (with
 * per-completion filters, and its facets, from completion_outcome_counts:
 * outcomeCount, outcomeCountBy; with one run's winner, agreementCount and
 * agreementCountBy); two runs' agreement and one run's winner from
 * run_pair_counts, in ./pair-counts.ts.
 */
import type pg from "pg";
import { SUCCESS_SQL } from "../metrics/paired";
import { OUTCOME_AGREEMENT, OUTCOME_SUCCESS } from "./completion-filter-sql";
import { parameters, type Bind, type ResolvedCompletionFilter } from "./completions";

/** The filters completion_counts answers, each as SQL over its row `s`. */
const STATS_FILTER_SQL = {
  run: (ids: number[], bind: Bind) => `s.run_id = ANY(${bind([...new Set(ids)])}::int4[])`,
  expectedIntent: (ids: string[], bind: Bind) => `s.expected_intent = ANY(${bind([...new Set(ids)])}::text[])`,
  // Filter values are never empty, so the format errors' '' never matches.
  predictedIntent: (ids: string[], bind: Bind) => `s.predicted = ANY(${bind([...new Set(ids)])}::text[])`,
  intentVerdict: (verdicts: string[], bind: Bind) => `s.intent_verdict = ANY(${bind([...new Set(verdicts)])}::intent_verdict[])`,
  policyVerdict: (verdicts: string[], bind: Bind) => `s.policy_verdict = ANY(${bind([...new Set(verdicts)])}::policy_verdict[])`,
  systemSuccess: (success: boolean) => (success ? SYSTEM_SUCCESS : `NOT ${SYSTEM_SUCCESS}`),
  tag: (tags: string[], bind: Bind) => `s.tags && ${bind([...new Set(tags)])}::text[]`,
} satisfies { [K in keyof ResolvedCompletionFilter]?: (value: NonNullable<ResolvedCompletionFilter[K]>, bind: Bind) => string };

const SYSTEM_SUCCESS = "(s.intent_verdict = 'correct' AND s.policy_verdict = 'pass')";

type StatsFilterId = keyof typeof STATS_FILTER_SQL;

/** What each facet groups completion_counts by (rows with no value, such as a format error's prediction, are left out). */
export const STATS_GROUP_SQL = {
  run: "s.run_id::text",
  expectedIntent: "s.expected_intent",
  predictedIntent: "nullif(s.predicted, '')",
  intentVerdict: "s.intent_verdict::text",
  policyVerdict: "s.policy_verdict::text",
  systemSuccess: `${SYSTEM_SUCCESS}::text`,
} as const;
export type StatsGroup = keyof typeof STATS_GROUP_SQL;

/** Whether completion_counts can count this filter's completions exactly. */
export function statsCountable(filter: ResolvedCompletionFilter): boolean {
  return Object.entries(filter).every(([id, value]) => value === undefined || id in STATS_FILTER_SQL);
}

/** WHERE over completion_counts `s` for a stats-countable filter; project first. */
export function statsWhere(projectId: number, filter: ResolvedCompletionFilter, bind: Bind): string {
  const where = [`s.project_id = ${bind(projectId)}`];
  for (const id of Object.keys(STATS_FILTER_SQL) as StatsFilterId[]) {
    const value = filter[id];
    if (value !== undefined) where.push((STATS_FILTER_SQL[id] as (v: unknown, b: Bind) => string)(value, bind));
  }
  return where.join(" AND ");
}

/** The number of completions matching a stats-countable filter. */
export async function statsCount(db: pg.ClientBase | pg.Pool, projectId: number, filter: ResolvedCompletionFilter): Promise<number> {
  const { values, bind } = parameters();
  const { rows } = await db.query<{ n: number }>(`SELECT coalesce(sum(s.n), 0)::float8 AS n FROM completion_counts s WHERE ${statsWhere(projectId, filter, bind)}`, values);
  return rows[0]!.n;
}

/**
 * Counts by each of several facets' values for one stats-countable filter
 * (run ids as text for `run`), in one scan of its rows: each row yields one
 * (facet, value) pair per facet, grouped. The table's facets without a
 * filter of their own all share the filter, so the page reads the rows once,
 * not six times.
 */
export async function statsCountByEach(db: pg.ClientBase | pg.Pool, projectId: number, by: readonly StatsGroup[], filter: ResolvedCompletionFilter): Promise<Map<StatsGroup, Map<string, number>>> {
  const { values, bind } = parameters();
  const { rows } = await db.query<{ facet: number; value: string; n: number }>(
    `SELECT f.facet, f.value, sum(s.n)::float8 AS n
       FROM completion_counts s CROSS JOIN LATERAL (VALUES ${by.map((id, i) => `(${i}, ${STATS_GROUP_SQL[id]})`).join(", ")}) AS f(facet, value)
      WHERE ${statsWhere(projectId, filter, bind)} AND f.value IS NOT NULL
      GROUP BY 1, 2 HAVING sum(s.n) > 0`,
    values,
  );
  const counts = new Map(by.map((id) => [id, new Map<string, number>()]));
  for (const row of rows) counts.get(by[row.facet]!)!.set(row.value, row.n);
  return counts;
}

/** The number of runs an agreement is over when they are every run of the project (no run filter, or one naming every run); else null. */
function everyRunCount(agreement: NonNullable<ResolvedCompletionFilter["agreement"]>, run: number[] | undefined): number | null {
  const runs = new Set(agreement.runs).size;
  return agreement.everyRun && (run === undefined || new Set(run).size === runs) ? runs : null;
}

/**
 * The cases matching an agreement over every run of the project (see
 * everyRunCount), maybe with one run W's `winner` and a ground truth: each
 * such case has exactly one completion in each of the `runs` runs, so its
 * completions are `runs` times its cases. The agreement alone comes from
 * case_outcome_counts (a handful of rows); with a winner or a ground truth,
 * from completion_outcome_counts, one completion counted per case: W's
 * succeeding one, or the first run's. The set form groups every completion
 * per case instead (seconds at a million cases). This is what a run
 * comparison's "only B wins" link counts once its run filter is dropped (its
 * run facet). Null when the filter is not of that form.
 */
export async function agreementCount(db: pg.ClientBase | pg.Pool, projectId: number, filter: ResolvedCompletionFilter): Promise<{ cases: number; runs: number } | null> {
  const { values, bind } = parameters();
  const form = agreementForm(projectId, filter, bind);
  if (!form) return null;
  const { rows } = await db.query<{ n: number }>(`SELECT coalesce(sum(n), 0)::float8 AS n FROM ${form.from} WHERE ${form.where}`, values);
  return { cases: rows[0]!.n, runs: form.runs };
}

/** agreementCount's aggregate and condition; `s` the completion counted for each case (completion_outcome_counts) where there is one. */
function agreementForm(projectId: number, filter: ResolvedCompletionFilter, bind: Bind): { from: string; where: string; runs: number; perCase: boolean } | null {
  const { agreement, run, judge, winner, expectedIntent, ...others } = filter;
  // The aggregates hold the counted verdicts; a judge is left in a filter (matchingFilter) only where a policy verdict is read.
  if (!agreement || judge !== undefined || Object.values(others).some((value) => value !== undefined)) return null;
  const runs = everyRunCount(agreement, run);
  if (runs === null) return null;
  const winners = winner && [...new Set(winner.runs)];
  if (winner && (winners!.length !== 1 || winner.success !== agreement.success)) return null;
  if (!winners && !expectedIntent) {
    return { from: "case_outcome_counts", where: `project_id = ${bind(projectId)} AND runs = ${bind(runs)} AND ${OUTCOME_AGREEMENT[agreement.value](OUTCOME_SUCCESS[agreement.success], "runs")}`, runs, perCase: false };
  }
  const where = [
    statsWhere(projectId, definedOnly({ run: [winners?.[0] ?? agreement.runs[0]!], expectedIntent }), bind),
    `s.runs = ${bind(runs)}`,
    OUTCOME_AGREEMENT[agreement.value](`s.${OUTCOME_SUCCESS[agreement.success]}`, "s.runs"),
    ...(winner ? [SUCCESS_SQL[winner.success]("s")] : []),
  ];
  return { from: "completion_outcome_counts s", where: where.join(" AND "), runs, perCase: true };
}

/**
 * Completions by run or by ground truth for a filter of agreementCount's
 * form: each of its cases has one completion in every run, all of the case's
 * ground truth. Undefined for another facet or filter (with a winner, the
 * other runs' completions are not in the row counted per case).
 */
export async function agreementCountBy(db: pg.ClientBase | pg.Pool, projectId: number, by: StatsGroup, filter: ResolvedCompletionFilter): Promise<Map<string, number> | undefined> {
  if (by !== "run" && by !== "expectedIntent") return undefined;
  const { values, bind } = parameters();
  const form = agreementForm(projectId, filter, bind);
  if (!form?.perCase) return undefined;
  if (by === "run") {
    const { cases } = (await agreementCount(db, projectId, filter))!;
    return new Map(cases > 0 ? [...new Set(filter.agreement!.runs)].map((id) => [String(id), cases]) : []);
  }
  const { rows } = await db.query<{ value: string; n: number }>(
    `SELECT s.expected_intent AS value, sum(s.n)::float8 * ${bind(form.runs)} AS n FROM ${form.from} WHERE ${form.where} GROUP BY 1 HAVING sum(s.n) > 0`,
    values,
  );
  return new Map(rows.map((row) => [row.value, row.n]));
}

/**
 * WHERE over completion_outcome_counts `s` for an agreement over every run
 * (as in agreementCount) with any ground truths and per-completion filters:
 * its rows key each completion by its own columns and its case's outcome.
 * Null for any other filter.
 */
function outcomeWhere(projectId: number, filter: ResolvedCompletionFilter, bind: Bind): string | null {
  const { agreement, run, judge, expectedIntent, predictedIntent, intentVerdict, policyVerdict, systemSuccess, ...others } = filter;
  if (!agreement || judge !== undefined || Object.values(others).some((value) => value !== undefined)) return null;
  const runs = everyRunCount(agreement, run);
  if (runs === null) return null;
  const perCompletion = definedOnly({ expectedIntent, predictedIntent, intentVerdict, policyVerdict, systemSuccess });
  return `${statsWhere(projectId, perCompletion, bind)} AND s.runs = ${bind(runs)} AND ${OUTCOME_AGREEMENT[agreement.value](`s.${OUTCOME_SUCCESS[agreement.success]}`, "s.runs")}`;
}

/** The completions matching an agreement over every run with per-completion filters (outcomeWhere); null for another filter. */
export async function outcomeCount(db: pg.ClientBase | pg.Pool, projectId: number, filter: ResolvedCompletionFilter): Promise<number | null> {
  const { values, bind } = parameters();
  const where = outcomeWhere(projectId, filter, bind);
  if (where === null) return null;
  const { rows } = await db.query<{ n: number }>(`SELECT coalesce(sum(s.n), 0)::float8 AS n FROM completion_outcome_counts s WHERE ${where}`, values);
  return rows[0]!.n;
}

/** Completions by one facet's values for an agreement over every run with per-completion filters (run ids as text for `run`); undefined for another filter. */
export async function outcomeCountBy(db: pg.ClientBase | pg.Pool, projectId: number, by: StatsGroup, filter: ResolvedCompletionFilter): Promise<Map<string, number> | undefined> {
  const { values, bind } = parameters();
  const where = outcomeWhere(projectId, filter, bind);
  if (where === null) return undefined;
  const { rows } = await db.query<{ value: string | null; n: number }>(
    `SELECT ${STATS_GROUP_SQL[by]} AS value, sum(s.n)::float8 AS n FROM completion_outcome_counts s WHERE ${where} GROUP BY 1 HAVING sum(s.n) > 0`,
    values,
  );
  return new Map(rows.filter((row) => row.value !== null).map((row) => [row.value!, row.n]));
}

/** The filter without its undefined parts (so that a filter of picked parts is countable). */
export function definedOnly(filter: Record<string, unknown>): ResolvedCompletionFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as ResolvedCompletionFilter;
}
