/**
 * The completion filter as SQL: a filter of lib/validations/filters.ts
 * resolved against the project (run names to ids, the case-level filters
 * carrying their runs and success), and turned into one WHERE clause over
 * `completions c` with bound parameters only. Listing, counting, facets,
 * judge jobs and the case table all build on it.
 */
import type pg from "pg";
import { SUCCESS_SQL } from "../metrics/queries";
import type { Agreement, CompletionFilter, SuccessKind } from "../validations/filters";
import { searchPredicate } from "../search/match";

/** Binds a value as the next query parameter and returns its placeholder. */
export type Bind = (value: unknown) => string;

/**
 * The filter as SQL sees it: run names resolved to this project's run ids, and
 * the case-level filters carrying what they need (`success` folds into them).
 */
export type ResolvedCompletionFilter = Omit<CompletionFilter, "run" | "winner" | "agreement" | "success"> & {
  run?: number[];
  /** `projectId`: the set form's subquery names the project itself, so it is not correlated with each row. */
  winner?: { projectId: number; runs: number[]; success: SuccessKind };
  /** `runs`: the filter's runs, or every run of the project. */
  agreement?: { projectId: number; value: Agreement; runs: number[]; success: SuccessKind };
};

/** The condition on the success flags `s` of a case's completions in the compared runs, for each agreement. */
const AGREEMENT_SQL: Record<Agreement, (s: string) => string> = {
  paired: () => "TRUE",
  disagree: (s) => `(bool_or(${s}) AND NOT bool_and(${s}))`,
  allSucceed: (s) => `bool_and(${s})`,
  allFail: (s) => `NOT bool_or(${s})`,
};

/**
 * Whether the counted verdict of completion `c` is stale: judged against an
 * older guideline version of the predicted intent than the one in force (no
 * version, or an intent not in the taxonomy: not stale).
 */
export function staleSql(c: string): string {
  return `coalesce((SELECT ${c}.policy_guideline_version < i.current_version FROM intents i WHERE i.project_id = ${c}.project_id AND i.id = ${c}.predicted_intent), false)`;
}

/** `column = $n` for one value (an index equality, rows in id order), `= ANY($n)` for several. */
function anyOf(column: string, type: string, values: readonly (string | number)[], bind: Bind): string {
  const distinct = [...new Set(values)];
  return distinct.length === 1 ? `${column} = ${bind(distinct[0])}` : `${column} = ANY(${bind(distinct)}::${type}[])`;
}

/**
 * Filter id -> SQL predicate over `c` (completions). The one place where a UI
 * or API filter meets a column: adding a filter to the schema without a row
 * here does not compile.
 */
/**
 * How a predicate will be used: to find the first rows of a page in index order
 * (`rows`: a case-level filter probes each visited row's case, cheap when
 * matches are common and the scan stops after a page), or to count or group
 * every match (`set`: a case-level filter is one set-based semi-join, instead
 * of a probe for each of possibly millions of rows).
 */
export type PredicateUse = "rows" | "set";

export const COMPLETION_FILTER_SQL: { [K in keyof ResolvedCompletionFilter]-?: (value: NonNullable<ResolvedCompletionFilter[K]>, bind: Bind, use: PredicateUse) => string } = {
  run: (ids, bind) => anyOf("c.run_id", "int4", ids, bind),
  expectedIntent: (ids, bind) => anyOf("c.expected_intent", "text", ids, bind),
  predictedIntent: (ids, bind) => anyOf("c.predicted_intent", "text", ids, bind),
  intentVerdict: (verdicts, bind) => anyOf("c.intent_verdict", "intent_verdict", verdicts, bind),
  policyVerdict: (verdicts, bind) => anyOf("c.policy_verdict", "policy_verdict", verdicts, bind),
  systemSuccess: (success) => (success ? SUCCESS_SQL.system("c") : `NOT ${SUCCESS_SQL.system("c")}`),
  stale: (stale) => `${stale ? "" : "NOT "}${staleSql("c")}`,
  // The case's tags, as the completion carries them (kept in step with the case by a trigger).
  tag: (tags, bind) => `c.case_tags && ${bind([...new Set(tags)])}::text[]`,
  // Case-level: the same case's completions in other runs, through the (project, case, run) unique index.
  winner: ({ projectId, runs, success }, bind, use) =>
    use === "rows"
      ? `EXISTS (SELECT 1 FROM completions w WHERE w.project_id = c.project_id AND w.case_id = c.case_id AND ${anyOf("w.run_id", "int4", runs, bind)} AND ${SUCCESS_SQL[success]("w")})`
      : `c.case_id IN (SELECT w.case_id FROM completions w WHERE w.project_id = ${bind(projectId)} AND ${anyOf("w.run_id", "int4", runs, bind)} AND ${SUCCESS_SQL[success]("w")})`,
  agreement: ({ projectId, value, runs, success }, bind, use) => {
    const distinct = [...new Set(runs)];
    const holds = `count(*) = ${bind(distinct.length)} AND ${AGREEMENT_SQL[value](SUCCESS_SQL[success]("o"))}`;
    const runsIn = `o.run_id = ANY(${bind(distinct)}::int4[])`;
    return use === "rows"
      ? `(SELECT ${holds} FROM completions o WHERE o.project_id = c.project_id AND ${runsIn} AND o.case_id = c.case_id)`
      : `c.case_id IN (SELECT o.case_id FROM completions o WHERE o.project_id = ${bind(projectId)} AND ${runsIn} GROUP BY o.case_id HAVING ${holds})`;
  },
  q: (text, bind) => searchPredicate(text, bind),
};


/** Collects query parameters; predicates only ever see placeholders. */
export function parameters(): { values: unknown[]; bind: Bind } {
  const values: unknown[] = [];
  return { values, bind: (value) => `$${values.push(value)}` };
}

/** The WHERE clause over `completions c` for one project and a resolved filter; project first, always. */
export function completionWhere(projectId: number, filter: ResolvedCompletionFilter, bind: Bind, use: PredicateUse = "rows"): string {
  const predicates = [`c.project_id = ${bind(projectId)}`];
  for (const id of Object.keys(COMPLETION_FILTER_SQL) as (keyof ResolvedCompletionFilter)[]) {
    const value = filter[id];
    if (value === undefined) continue;
    predicates.push((COMPLETION_FILTER_SQL[id] as (v: unknown, b: Bind, u: PredicateUse) => string)(value, bind, use));
  }
  return predicates.join(" AND ");
}

/** Run names to this project's run ids (names of other projects' runs, or of none, resolve to nothing). */
export async function resolveRunNames(db: pg.ClientBase | pg.Pool, projectId: number, names: readonly string[]): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>("SELECT id FROM runs WHERE project_id = $1 AND name = ANY($2::text[]) ORDER BY id", [projectId, names]);
  return rows.map((row) => row.id);
}

/** Every run id of the project, oldest first. */
async function projectRunIds(db: pg.ClientBase | pg.Pool, projectId: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>("SELECT id FROM runs WHERE project_id = $1 ORDER BY id", [projectId]);
  return rows.map((row) => row.id);
}

/**
 * Resolves the names in a filter; null when nothing can match: a run or
 * winner filter naming no run of the project, or an agreement over no runs.
 */
export async function resolveCompletionFilter(db: pg.ClientBase | pg.Pool, projectId: number, filter: CompletionFilter): Promise<ResolvedCompletionFilter | null> {
  const { run: runNames, winner: winnerNames, agreement, success = "system", ...rest } = filter;
  const resolved: ResolvedCompletionFilter = rest;
  if (runNames !== undefined) {
    resolved.run = await resolveRunNames(db, projectId, runNames);
    if (resolved.run.length === 0) return null;
  }
  if (winnerNames !== undefined) {
    const runs = await resolveRunNames(db, projectId, winnerNames);
    if (runs.length === 0) return null;
    resolved.winner = { projectId, runs, success };
  }
  if (agreement !== undefined) {
    const runs = resolved.run ?? (await projectRunIds(db, projectId));
    if (runs.length === 0) return null;
    resolved.agreement = { projectId, value: agreement, runs, success };
  }
  return resolved;
}
