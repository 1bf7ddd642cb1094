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
 * agreementCountBy), and two runs' agreement or one run's winner from
 * run_pair_counts (pairCount, winnerCount, and their facets pairCountBy,
 * winnerCountBy).
 */
import type pg from "pg";
import { PAIR_SUCCESS_SQL, SUCCESS_SQL } from "../metrics/paired";
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

/** Each agreement of the two runs of a run_pair_counts row, given each side's success. */
const PAIR_AGREEMENT = {
  paired: () => "TRUE",
  disagree: (a: string, b: string) => `${a} <> ${b}`,
  allSucceed: (a: string, b: string) => `${a} AND ${b}`,
  allFail: (a: string, b: string) => `NOT ${a} AND NOT ${b}`,
} as const;

type Side = "a" | "b";

/** The per-completion filters as SQL over one side of a run_pair_counts row `p` (format errors' predicted '' never matches a value). */
const PAIR_SIDE_SQL = {
  predictedIntent: (ids: string[], bind: Bind, side: Side) => `p.predicted_${side} = ANY(${bind([...new Set(ids)])}::text[])`,
  intentVerdict: (verdicts: string[], bind: Bind, side: Side) => `p.intent_${side} = ANY(${bind([...new Set(verdicts)])}::intent_verdict[])`,
  policyVerdict: (verdicts: string[], bind: Bind, side: Side) => `p.policy_${side} = ANY(${bind([...new Set(verdicts)])}::policy_verdict[])`,
  systemSuccess: (success: boolean, _bind: Bind, side: Side) => (success ? PAIR_SUCCESS_SQL.system(side) : `NOT ${PAIR_SUCCESS_SQL.system(side)}`),
} satisfies { [K in keyof ResolvedCompletionFilter]?: (value: NonNullable<ResolvedCompletionFilter[K]>, bind: Bind, side: Side) => string };

/** What each facet groups one side of a run_pair_counts row by. */
const PAIR_GROUP_SQL: Record<StatsGroup, (side: Side) => string> = {
  run: (side) => `p.run_${side}::text`,
  expectedIntent: () => "p.expected_intent",
  predictedIntent: (side) => `nullif(p.predicted_${side}, '')`,
  intentVerdict: (side) => `p.intent_${side}::text`,
  policyVerdict: (side) => `p.policy_${side}::text`,
  systemSuccess: (side) => `${PAIR_SUCCESS_SQL.system(side)}::text`,
};

/**
 * A filter of the form a run comparison links to, over run_pair_counts: two
 * runs (`run`), an `agreement` over them, maybe a `winner` among them and a
 * ground truth (conditions on the case), and any of the per-completion
 * filters that the rows key (conditions on each side). Null for any other filter.
 */
function pairForm(projectId: number, filter: ResolvedCompletionFilter, bind: Bind): { where: string; side: Record<Side, string> } | null {
  const { agreement, run, winner, expectedIntent, judge, predictedIntent, intentVerdict, policyVerdict, systemSuccess, ...others } = filter;
  // A judge, as in agreementCount: left in a filter only where a policy verdict is read.
  if (!agreement || !run || judge !== undefined || Object.values(others).some((value) => value !== undefined)) return null;
  const runs = [...new Set(run)].sort((x, y) => x - y);
  const over = new Set(agreement.runs);
  if (runs.length !== 2 || over.size !== 2 || !runs.every((id) => over.has(id))) return null;
  if (winner && (winner.success !== agreement.success || !winner.runs.every((id) => over.has(id)))) return null;
  const [a, b] = runs as [number, number];
  const success = PAIR_SUCCESS_SQL[agreement.success];
  const where = [`p.project_id = ${bind(projectId)}`, `p.run_a = ${bind(a)}`, `p.run_b = ${bind(b)}`, PAIR_AGREEMENT[agreement.value](success("a"), success("b"))];
  if (winner) where.push(`(${[...new Set(winner.runs)].map((id) => success(id === a ? "a" : "b")).join(" OR ")})`);
  if (expectedIntent) where.push(`p.expected_intent = ANY(${bind([...new Set(expectedIntent)])}::text[])`);
  const perCompletion = { predictedIntent, intentVerdict, policyVerdict, systemSuccess };
  return { where: where.join(" AND "), side: { a: pairSideWhere(perCompletion, bind, "a"), b: pairSideWhere(perCompletion, bind, "b") } };
}

type PerCompletion = Pick<ResolvedCompletionFilter, keyof typeof PAIR_SIDE_SQL>;

/** The per-completion filters over one side of a run_pair_counts row `p`. */
function pairSideWhere(filter: PerCompletion, bind: Bind, side: Side): string {
  const conditions = (Object.keys(PAIR_SIDE_SQL) as (keyof typeof PAIR_SIDE_SQL)[]).flatMap((id) => {
    const value = filter[id];
    return value === undefined ? [] : [(PAIR_SIDE_SQL[id] as (v: unknown, b: Bind, s: Side) => string)(value, bind, side)];
  });
  return conditions.length === 0 ? "TRUE" : conditions.join(" AND ");
}

/**
 * The completions and cases matching a filter of the pair form (see
 * pairForm) from the trigger-maintained run_pair_counts, where the set form
 * groups every completion of the two runs per case (seconds at a million
 * cases): each row's cases have one completion in each run, matching where
 * its side does. Null when the filter is not of that form.
 */
export async function pairCount(db: pg.ClientBase | pg.Pool, projectId: number, filter: ResolvedCompletionFilter): Promise<{ completions: number; cases: number } | null> {
  const { values, bind } = parameters();
  const form = pairForm(projectId, filter, bind);
  if (!form) return null;
  const { rows } = await db.query<{ completions: number; cases: number }>(
    `SELECT coalesce(sum(p.n * ((${form.side.a})::int + (${form.side.b})::int)), 0)::float8 AS completions,
            coalesce(sum(p.n) FILTER (WHERE (${form.side.a}) OR (${form.side.b})), 0)::float8 AS cases
       FROM run_pair_counts p WHERE ${form.where}`,
    values,
  );
  return rows[0]!;
}

/** Completions by one facet's values for a filter of the pair form (run ids as text for `run`); undefined for another filter. */
export async function pairCountBy(db: pg.ClientBase | pg.Pool, projectId: number, by: StatsGroup, filter: ResolvedCompletionFilter): Promise<Map<string, number> | undefined> {
  const { values, bind } = parameters();
  const form = pairForm(projectId, filter, bind);
  if (!form) return undefined;
  const { rows } = await db.query<{ value: string | null; n: number }>(
    `WITH m AS (SELECT * FROM run_pair_counts p WHERE ${form.where})
     SELECT value, sum(n)::float8 AS n
       FROM (SELECT ${PAIR_GROUP_SQL[by]("a")} AS value, p.n FROM m p WHERE ${form.side.a}
             UNION ALL
             SELECT ${PAIR_GROUP_SQL[by]("b")}, p.n FROM m p WHERE ${form.side.b}) x
      GROUP BY 1 HAVING sum(n) > 0`,
    values,
  );
  return new Map(rows.filter((row) => row.value !== null).map((row) => [row.value!, row.n]));
}

/**
 * The parts of a filter of one run W's `winner` alone (no agreement), each
 * over one aggregate: W's own succeeding completions (completion_counts `s`,
 * null when the run filter leaves W out), and each other run's completions in
 * the cases where W succeeds (run_pair_counts `p`, W's side succeeding, the
 * other run's side under the per-completion filters). Null for any other filter.
 */
async function winnerForm(db: pg.ClientBase | pg.Pool, projectId: number, filter: ResolvedCompletionFilter, bind: Bind): Promise<{ own: string | null; pairs: { where: string; side: Side }[]; plain: boolean } | null> {
  const { winner, run, judge, expectedIntent, predictedIntent, intentVerdict, policyVerdict, systemSuccess, ...others } = filter;
  // A judge, as in agreementCount: left in a filter only where a policy verdict is read.
  if (!winner || judge !== undefined || Object.values(others).some((value) => value !== undefined)) return null;
  const winners = [...new Set(winner.runs)];
  if (winners.length !== 1) return null;
  const w = winners[0]!;
  const runs = run ? [...new Set(run)] : (await db.query<{ id: number }>("SELECT id FROM runs WHERE project_id = $1", [projectId])).rows.map((row) => row.id);
  const perCompletion: PerCompletion = { predictedIntent, intentVerdict, policyVerdict, systemSuccess };
  const own = runs.includes(w) ? `${statsWhere(projectId, definedOnly({ run: [w], expectedIntent, ...perCompletion }), bind)} AND ${SUCCESS_SQL[winner.success]("s")}` : null;
  const pairs = runs
    .filter((id) => id !== w)
    .map((x) => {
      const [wSide, side]: [Side, Side] = w < x ? ["a", "b"] : ["b", "a"];
      const where = [`p.project_id = ${bind(projectId)}`, `p.run_a = ${bind(Math.min(w, x))}`, `p.run_b = ${bind(Math.max(w, x))}`, PAIR_SUCCESS_SQL[winner.success](wSide), pairSideWhere(perCompletion, bind, side)];
      if (expectedIntent) where.push(`p.expected_intent = ANY(${bind([...new Set(expectedIntent)])}::text[])`);
      return { where: where.join(" AND "), side };
    });
  // With no per-completion filter, each case W wins has W's completion matching: one case per success of W.
  return { own, pairs, plain: own !== null && Object.values(perCompletion).every((value) => value === undefined) };
}

/**
 * The completions matching `winner` of one run W alone (no agreement), from
 * the aggregates (winnerForm). `cases` too where it follows: with no
 * per-completion filter and W among the runs, one case per W success. Null
 * for any other filter.
 */
export async function winnerCount(db: pg.ClientBase | pg.Pool, projectId: number, filter: ResolvedCompletionFilter): Promise<{ completions: number; cases: number | null } | null> {
  const { values, bind } = parameters();
  const form = await winnerForm(db, projectId, filter, bind);
  if (!form) return null;
  const own = form.own === null ? "0" : `(SELECT coalesce(sum(s.n), 0) FROM completion_counts s WHERE ${form.own})`;
  const pairs = form.pairs.map(({ where }) => `(SELECT coalesce(sum(p.n), 0) FROM run_pair_counts p WHERE ${where})`);
  const { rows } = await db.query<{ own: number; completions: number }>(`SELECT own::float8 AS own, (${["own", ...pairs].join(" + ")})::float8 AS completions FROM (SELECT ${own} AS own) w`, values);
  return { completions: rows[0]!.completions, cases: form.plain ? rows[0]!.own : null };
}

/** Completions by one facet's values for a filter of one run's `winner` alone (run ids as text for `run`); undefined for another filter. */
export async function winnerCountBy(db: pg.ClientBase | pg.Pool, projectId: number, by: StatsGroup, filter: ResolvedCompletionFilter): Promise<Map<string, number> | undefined> {
  const { values, bind } = parameters();
  const form = await winnerForm(db, projectId, filter, bind);
  if (!form) return undefined;
  const parts = [
    ...(form.own === null ? [] : [`SELECT ${STATS_GROUP_SQL[by]} AS value, s.n FROM completion_counts s WHERE ${form.own}`]),
    ...form.pairs.map(({ where, side }) => `SELECT ${PAIR_GROUP_SQL[by](side)} AS value, p.n FROM run_pair_counts p WHERE ${where}`),
  ];
  if (parts.length === 0) return new Map();
  const { rows } = await db.query<{ value: string | null; n: number }>(`SELECT value, sum(n)::float8 AS n FROM (${parts.join(" UNION ALL ")}) x GROUP BY 1 HAVING sum(n) > 0`, values);
  return new Map(rows.filter((row) => row.value !== null).map((row) => [row.value!, row.n]));
}

function definedOnly(filter: Record<string, unknown>): ResolvedCompletionFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as ResolvedCompletionFilter;
}
