/**
 * Exact completion counts of the filters a run comparison links to, and of
 * one run's winner alone, from the trigger-maintained `run_pair_counts` (with
 * `completion_counts` for the winner's own completions): rows per pair of
 * runs, ground truth, both predictions and both verdicts, thousands whatever
 * the number of cases, where the set form groups every completion of the
 * runs per case (seconds at a million cases). The single-aggregate forms are
 * in ./aggregate-counts.ts.
 */
import type pg from "pg";
import { PAIR_SUCCESS_SQL, SUCCESS_SQL } from "../metrics/paired";
import { definedOnly, STATS_GROUP_SQL, statsWhere, type StatsGroup } from "./aggregate-counts";
import { parameters, type Bind, type ResolvedCompletionFilter } from "./completions";

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

