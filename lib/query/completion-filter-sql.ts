/**
 * The completion filter as SQL: a filter of lib/validations/filters.ts
 * resolved against the project (run names to ids, the case-level filters
 * carrying their runs and success), and turned into one WHERE clause over
 * `completions c` with bound parameters only. Listing, counting, facets,
 * judge jobs and the case table all build on it.
 */
import type pg from "pg";
import { GRADER } from "../judging/counted";
import { SUCCESS_SQL } from "../metrics/queries";
import { INTENT_VERDICTS, type IntentVerdict } from "../grading/intent";
import { POLICY_VERDICTS, type Agreement, type CompletionFilter, type PolicyVerdict, type SuccessKind } from "../validations/filters";
import { searchIndexComplete, searchPredicate, type ResolvedSearch } from "../search/match";

/** Binds a value as the next query parameter and returns its placeholder. */
export type Bind = (value: unknown) => string;

/**
 * The filter as SQL sees it: run names resolved to this project's run ids, and
 * the case-level filters carrying what they need (`success` folds into them).
 */
export type ResolvedCompletionFilter = Omit<CompletionFilter, "run" | "winner" | "agreement" | "success" | "judge" | "q"> & {
  /** `?q=`: the text, and whether the search index holds every completion of the project (see searchPredicate). */
  q?: ResolvedSearch;
  /** `?judge=J`: J's policy verdicts stand for the counted ones in every policy predicate (see policySql). */
  judge?: string;
  run?: number[];
  /** `projectId`: the set form's subquery names the project itself, so it is not correlated with each row. */
  winner?: { projectId: number; runs: number[]; success: SuccessKind };
  /** `runs`: the filter's runs, or every run of the project (`everyRun`: they are all of the project's runs). */
  agreement?: { projectId: number; value: Agreement; runs: number[]; success: SuccessKind; everyRun: boolean };
};

/** The condition on the success flags `s` of a case's completions in the compared runs, for each agreement. */
const AGREEMENT_SQL: Record<Agreement, (s: string) => string> = {
  paired: () => "TRUE",
  disagree: (s) => `(bool_or(${s}) AND NOT bool_and(${s}))`,
  allSucceed: (s) => `bool_and(${s})`,
  allFail: (s) => `NOT bool_or(${s})`,
};

/** The succeeding completions of a case, per kind of success, as case_outcomes keeps them (counted verdicts). */
export const OUTCOME_SUCCESS = { intent: "intent_correct", policy: "policy_pass", system: "system_success" } as const;
/** Each agreement over every run, as SQL over a case_outcomes row (R = `runs`, its completions; k = those succeeding). */
export const OUTCOME_AGREEMENT: Record<Agreement, (k: string, runs: string) => string> = {
  paired: () => "TRUE",
  disagree: (k, runs) => `${k} > 0 AND ${k} < ${runs}`,
  allSucceed: (k, runs) => `${k} = ${runs}`,
  allFail: (k) => `${k} = 0`,
};

/**
 * Whether the counted verdict of completion `c` is stale: judged against an
 * older guideline version of the predicted intent than the one in force (no
 * version, or an intent not in the taxonomy: not stale).
 */
export function staleSql(c: string, guidelineVersion = `${c}.policy_guideline_version`): string {
  return `coalesce((SELECT ${guidelineVersion} < i.current_version FROM intents i WHERE i.project_id = ${c}.project_id AND i.id = ${c}.predicted_intent), false)`;
}

/** A completion's policy verdict as SQL, and what follows from it: the counted one, or one judge's alone. */
export interface PolicySql {
  /** The counted verdict (the column the aggregates keep), not one judge's alone. */
  counted: boolean;
  verdict(c: string): string;
  stale(c: string): string;
  success(kind: SuccessKind, c: string): string;
}

/**
 * The policy verdict of completion `c`: the counted one (the column), or with
 * `judge` that judge's most recent verdict (pending where it has none), as
 * `latestVerdictsSql` picks it for the metrics, through the (project,
 * judge, completion) index: one probe per name and row.
 */
export function policySql(judge: string | undefined, bind: Bind): PolicySql {
  if (judge === undefined) {
    return { counted: true, verdict: (c) => `${c}.policy_verdict`, stale: (c) => staleSql(c), success: (kind, c) => SUCCESS_SQL[kind](c) };
  }
  // Bound when first used: a placeholder no statement names has no type, and PostgreSQL refuses it.
  let names: string | undefined;
  const latest = (c: string, column: string) =>
    `(SELECT v.${column} FROM policy_verdicts v WHERE v.project_id = ${c}.project_id AND v.judge_name = ANY(${(names ??= bind([judge, GRADER]))}::text[]) AND v.completion_id = ${c}.id AND NOT v.superseded ORDER BY v.id DESC LIMIT 1)`;
  const verdict = (c: string) => `coalesce(${latest(c, "verdict")}, 'pending'::policy_verdict)`;
  return {
    counted: false,
    verdict,
    stale: (c) => staleSql(c, latest(c, "guideline_version")),
    success: (kind, c) =>
      kind === "intent" ? SUCCESS_SQL.intent(c) : kind === "policy" ? `(${verdict(c)} = 'pass')` : `(${c}.intent_verdict = 'correct' AND ${verdict(c)} = 'pass')`,
  };
}

/** Whether a filter's matches depend on which policy verdict counts. */
export function dependsOnPolicy(filter: ResolvedCompletionFilter): boolean {
  return (
    filter.policyVerdict !== undefined || filter.systemSuccess !== undefined || filter.stale !== undefined ||
    (filter.winner !== undefined && filter.winner.success !== "intent") || (filter.agreement !== undefined && filter.agreement.success !== "intent")
  );
}

/** Each kind of success as the intent or policy verdicts of one completion: those that succeed, and those that do not. */
const SUCCESS_VERDICTS: { intent: Record<"succeed" | "fail", readonly IntentVerdict[]>; policy: Record<"succeed" | "fail", readonly PolicyVerdict[]> } = {
  intent: { succeed: ["correct"], fail: ["wrong", "format_error"] },
  policy: { succeed: ["pass"], fail: ["fail", "pending"] },
};

/**
 * An agreement over one run X (a run filter naming X alone) asks about the
 * case's only completion in X, which is the completion itself: it exists
 * (`paired`), succeeds (`allSucceed`), fails (`allFail`), or never
 * (`disagree`). So the filter is the same with the agreement written as
 * per-completion filters on X, which the aggregates count where the
 * agreement's grouping of the run's completions per case reads them all
 * (seconds at a million cases). Nothing matching is an empty run list
 * (`= ANY('{}')` in SQL; every reader of a run filter takes it as a list, none
 * as "no filter"). The filter itself when its agreement is over more runs, or
 * it has none.
 */
function oneRunAgreement(filter: ResolvedCompletionFilter): ResolvedCompletionFilter {
  const { agreement, ...rest } = filter;
  const runs = agreement && [...new Set(agreement.runs)];
  if (!agreement || runs!.length !== 1) return filter;
  const within: ResolvedCompletionFilter = { ...rest, run: runs };
  const nothing: ResolvedCompletionFilter = { ...rest, run: [] };
  if (agreement.value === "paired") return within;
  if (agreement.value === "disagree") return nothing;
  const succeed = agreement.value === "allSucceed";
  if (agreement.success === "system") {
    return rest.systemSuccess !== undefined && rest.systemSuccess !== succeed ? nothing : { ...within, systemSuccess: succeed };
  }
  const side = succeed ? "succeed" : "fail";
  if (agreement.success === "intent") {
    const wanted = SUCCESS_VERDICTS.intent[side];
    return { ...within, intentVerdict: (rest.intentVerdict ?? INTENT_VERDICTS).filter((v) => wanted.includes(v)) };
  }
  const wanted = SUCCESS_VERDICTS.policy[side];
  return { ...within, policyVerdict: (rest.policyVerdict ?? POLICY_VERDICTS).filter((v) => wanted.includes(v)) };
}

/**
 * The filter as far as which completions match: without its judge when no
 * predicate reads a policy verdict, so that counting it can still use the
 * aggregates (the judge then only changes the verdicts shown).
 */
export function matchingFilter(found: ResolvedCompletionFilter): ResolvedCompletionFilter {
  const filter = oneRunAgreement(found);
  if (filter.judge === undefined || dependsOnPolicy(filter)) return filter;
  const { judge: _judge, ...rest } = filter;
  return rest;
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

type PredicateId = Exclude<keyof ResolvedCompletionFilter, "judge">;

export const COMPLETION_FILTER_SQL: { [K in PredicateId]-?: (value: NonNullable<ResolvedCompletionFilter[K]>, bind: Bind, use: PredicateUse, policy: PolicySql) => string } = {
  run: (ids, bind) => anyOf("c.run_id", "int4", ids, bind),
  expectedIntent: (ids, bind) => anyOf("c.expected_intent", "text", ids, bind),
  predictedIntent: (ids, bind) => anyOf("c.predicted_intent", "text", ids, bind),
  intentVerdict: (verdicts, bind) => anyOf("c.intent_verdict", "intent_verdict", verdicts, bind),
  policyVerdict: (verdicts, bind, _use, policy) => anyOf(policy.verdict("c"), "policy_verdict", verdicts, bind),
  systemSuccess: (success, _bind, _use, policy) => (success ? policy.success("system", "c") : `NOT ${policy.success("system", "c")}`),
  stale: (stale, _bind, _use, policy) => `${stale ? "" : "NOT "}${policy.stale("c")}`,
  // The case's tags, as the completion carries them (kept in step with the case by a trigger).
  tag: (tags, bind) => `c.case_tags && ${bind([...new Set(tags)])}::text[]`,
  // Case-level: the same case's completions in other runs, through the (project, case, run) unique index.
  winner: ({ projectId, runs, success }, bind, use, policy) =>
    use === "rows"
      ? `EXISTS (SELECT 1 FROM completions w WHERE w.project_id = c.project_id AND w.case_id = c.case_id AND ${anyOf("w.run_id", "int4", runs, bind)} AND ${policy.success(success, "w")})`
      : `c.case_id IN (SELECT w.case_id FROM completions w WHERE w.project_id = ${bind(projectId)} AND ${anyOf("w.run_id", "int4", runs, bind)} AND ${policy.success(success, "w")})`,
  agreement: ({ projectId, value, runs, success, everyRun }, bind, use, policy) => {
    const distinct = [...new Set(runs)];
    // Over every run, on counted verdicts (or intent alone), the case's row in case_outcomes says it: one row
    // per case, where the general form below groups every completion of the runs.
    if (everyRun && (policy.counted || success === "intent")) {
      const holds = `o.runs = ${bind(distinct.length)} AND ${OUTCOME_AGREEMENT[value](`o.${OUTCOME_SUCCESS[success]}`, "o.runs")}`;
      return use === "rows"
        ? `EXISTS (SELECT 1 FROM case_outcomes o WHERE o.project_id = c.project_id AND o.case_id = c.case_id AND ${holds})`
        : `c.case_id IN (SELECT o.case_id FROM case_outcomes o WHERE o.project_id = ${bind(projectId)} AND ${holds})`;
    }
    const holds = `count(*) = ${bind(distinct.length)} AND ${AGREEMENT_SQL[value](policy.success(success, "o"))}`;
    const runsIn = `o.run_id = ANY(${bind(distinct)}::int4[])`;
    return use === "rows"
      ? `(SELECT ${holds} FROM completions o WHERE o.project_id = c.project_id AND ${runsIn} AND o.case_id = c.case_id)`
      : `c.case_id IN (SELECT o.case_id FROM completions o WHERE o.project_id = ${bind(projectId)} AND ${runsIn} GROUP BY o.case_id HAVING ${holds})`;
  },
  q: (search, bind, use) => searchPredicate(search, bind, use),
};


/** Collects query parameters; predicates only ever see placeholders. */
export function parameters(): { values: unknown[]; bind: Bind } {
  const values: unknown[] = [];
  return { values, bind: (value) => `$${values.push(value)}` };
}

/** The filter's predicates over `completions c`, one per filter given (the project's own condition not among them). */
export function completionPredicates(filter: ResolvedCompletionFilter, bind: Bind, use: PredicateUse = "rows"): string[] {
  const predicates: string[] = [];
  const policy = policySql(filter.judge, bind);
  for (const id of Object.keys(COMPLETION_FILTER_SQL) as PredicateId[]) {
    const value = filter[id];
    if (value === undefined) continue;
    predicates.push((COMPLETION_FILTER_SQL[id] as (v: unknown, b: Bind, u: PredicateUse, p: PolicySql) => string)(value, bind, use, policy));
  }
  return predicates;
}

/** The WHERE clause over `completions c` for one project and a resolved filter; project first, always. */
export function completionWhere(projectId: number, filter: ResolvedCompletionFilter, bind: Bind, use: PredicateUse = "rows"): string {
  return [`c.project_id = ${bind(projectId)}`, ...completionPredicates(filter, bind, use)].join(" AND ");
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
  const { run: runNames, winner: winnerNames, agreement, success = "system", q, ...rest } = filter;
  const resolved: ResolvedCompletionFilter = rest;
  if (q !== undefined) resolved.q = { text: q, projectId, indexComplete: await searchIndexComplete(db, projectId) };
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
    const every = await projectRunIds(db, projectId);
    const runs = resolved.run ?? every;
    if (runs.length === 0) return null;
    // Run ids are the project's own (resolved from names), so as many distinct ones as it has runs are all of them.
    resolved.agreement = { projectId, value: agreement, runs, success, everyRun: new Set(runs).size === every.length };
  }
  return resolved;
}
