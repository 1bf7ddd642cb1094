/**
 * The interaction table one row per case: the cases with at least one
 * completion matching the filter of lib/query/completions.ts, in case order
 * with keyset pagination, and for each the verdicts of every shown run (those
 * the filter names, else all), with whether that completion matched.
 */
import type pg from "pg";
import { z } from "zod";
import type { IntentVerdict } from "../grading/intent";
import { COMPLETION_SORTS, type CompletionFilter, type CompletionSort, type PolicyVerdict } from "../validations/filters";
import { completionWhere, matchingFilter, parameters, policySql, resolveCompletionFilter, unindexedNoneMatch, type ResolvedCompletionFilter } from "./completions";
import { agreementCount, statsCount, statsCountable } from "./aggregate-counts";
import { pairCount, winnerCount } from "./pair-counts";
import { encodeCursor } from "./cursor";

/** A page of cases continues after [sort, case id]; "case" marks it so a completion cursor is never taken for one. */
export const caseCursorSchema = z.tuple([z.literal("case"), z.enum(COMPLETION_SORTS), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);

export interface CaseRunVerdict {
  run: string;
  predictedIntent: string | null;
  intentVerdict: IntentVerdict;
  formatError: string | null;
  policyVerdict: PolicyVerdict;
  /** Judged against an older guideline version than the one in force. */
  policyStale: boolean;
  /** This completion matches the filter (the case is listed because at least one does). */
  matched: boolean;
}

export interface CaseRow {
  caseId: string;
  expectedIntent: string;
  tags: string[];
  /** The customer's first message. */
  message: string;
  /** By run name, for the runs shown. */
  verdicts: Record<string, CaseRunVerdict>;
}

export interface CaseRowPage {
  items: CaseRow[];
  nextCursor: string | null;
}

export interface CaseRowQuery {
  filter: CompletionFilter;
  limit: number;
  sort: CompletionSort;
  /** The case id (internal) this page continues after, or null for the first page. */
  after: number | null;
}

const DIRECTION = { id: { order: "ASC", after: ">" }, "-id": { order: "DESC", after: "<" } } as const;

/** The customer's first message of the case `k`, cut for a table cell. */
export const FIRST_MESSAGE_SQL = `left(coalesce((SELECT m->>'content' FROM jsonb_array_elements(k.messages) AS m WHERE m->>'role' = 'user' LIMIT 1), ''), 600)`;

/**
 * How many cases have at least one completion matching the filter. Without a
 * filter: the cases with completions, from case_outcome_counts (a few rows); within one run, whose cases have one completion each: that
 * run's completions, from completion_counts when it can count the filter; an agreement over every run alone, from case_outcome_counts too.
 */
export async function countCases(db: pg.ClientBase | pg.Pool, projectId: number, filter: CompletionFilter): Promise<number> {
  const found = await resolveCompletionFilter(db, projectId, filter);
  if (!found) return 0;
  const resolved = matchingFilter(found);
  if (Object.values(resolved).every((value) => value === undefined)) {
    const { rows } = await db.query<{ n: number }>("SELECT coalesce(sum(n), 0)::int AS n FROM case_outcome_counts WHERE project_id = $1", [projectId]);
    return rows[0]!.n;
  }
  if (resolved.run && new Set(resolved.run).size === 1 && statsCountable(resolved)) return statsCount(db, projectId, resolved);
  const outcome = await agreementCount(db, projectId, resolved);
  if (outcome) return outcome.cases;
  const paired = await pairCount(db, projectId, resolved);
  if (paired) return paired.cases;
  const won = await winnerCount(db, projectId, resolved);
  if (won?.cases != null) return won.cases;
  const { values, bind } = parameters();
  const { rows } = await db.query<{ n: number }>(`SELECT count(DISTINCT c.case_id)::int AS n FROM completions c WHERE ${completionWhere(projectId, resolved, bind, "set")}`, values);
  return rows[0]!.n;
}

/** One page of cases matching the filter, with the shown runs' verdicts (`runs`: names, in column order). */
export async function listCaseRows(db: pg.ClientBase | pg.Pool, projectId: number, query: CaseRowQuery, runs: readonly string[]): Promise<CaseRowPage> {
  const filter = await resolveCompletionFilter(db, projectId, query.filter);
  if (!filter || (await unindexedNoneMatch(db, projectId, filter))) return { items: [], nextCursor: null };
  const { values, bind } = parameters();
  const where = completionWhere(projectId, filter, bind);
  const direction = DIRECTION[query.sort];
  const keyset = (column: string) => (query.after === null ? "" : ` AND ${column} ${direction.after} ${bind(query.after)}`);
  // Cases in index order (project_id, id), each with a matching completion. The keyset bound is
  // written on the completions too: PostgreSQL does not carry an inequality across the join, and
  // its merge semi join then read the (project, case, run) index from the project's first case
  // (60-80 ms for a case a tenth of the way into 1,000,000, growing with the position).
  const cases = await db.query<{ id: number; external_id: string; expected_intent: string; tags: string[]; message: string }>(
    `SELECT k.id, k.external_id, k.expected_intent, k.tags, ${FIRST_MESSAGE_SQL} AS message
       FROM cases k
      WHERE k.project_id = ${bind(projectId)}${keyset("k.id")}
        AND EXISTS (SELECT 1 FROM completions c WHERE c.case_id = k.id${keyset("c.case_id")} AND ${where})
      ORDER BY k.id ${direction.order} LIMIT ${bind(query.limit + 1)}`,
    values,
  );
  const page = cases.rows.slice(0, query.limit);
  const verdicts = await runVerdicts(db, projectId, filter, page.map((row) => row.id), runs);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({ caseId: row.external_id, expectedIntent: row.expected_intent, tags: row.tags, message: row.message, verdicts: verdicts.get(row.id) ?? {} })),
    nextCursor: cases.rows.length > query.limit && last ? encodeCursor(["case", query.sort, last.id]) : null,
  };
}

/** The shown runs' verdicts on each case (by internal case id); `matched` per the filter, or false without one. */
export async function runVerdicts(
  db: pg.ClientBase | pg.Pool,
  projectId: number,
  filter: ResolvedCompletionFilter | null,
  caseIds: number[],
  runs: readonly string[],
): Promise<Map<number, Record<string, CaseRunVerdict>>> {
  const byCase = new Map<number, Record<string, CaseRunVerdict>>();
  if (caseIds.length === 0 || runs.length === 0) return byCase;
  const { values, bind } = parameters();
  const matched = filter === null ? "false" : completionWhere(projectId, filter, bind);
  const policy = policySql(filter?.judge, bind);
  const { rows } = await db.query<{ case_id: number; run: string; predicted_intent: string | null; intent_verdict: IntentVerdict; format_error: string | null; policy_verdict: PolicyVerdict; policy_stale: boolean; matched: boolean }>(
    `SELECT c.case_id, r.name AS run, c.predicted_intent, c.intent_verdict, c.format_error, ${policy.verdict("c")} AS policy_verdict, ${policy.stale("c")} AS policy_stale, (${matched}) AS matched
       FROM completions c JOIN runs r ON r.project_id = c.project_id AND r.id = c.run_id
      WHERE c.project_id = ${bind(projectId)} AND c.case_id = ANY(${bind(caseIds)}::bigint[]) AND r.name = ANY(${bind([...runs])}::text[])`,
    values,
  );
  for (const row of rows) {
    const verdicts = byCase.get(row.case_id) ?? {};
    verdicts[row.run] = { run: row.run, predictedIntent: row.predicted_intent, intentVerdict: row.intent_verdict, formatError: row.format_error, policyVerdict: row.policy_verdict, policyStale: row.policy_stale, matched: row.matched };
    byCase.set(row.case_id, verdicts);
  }
  return byCase;
}

/** The customer's first message of each case, by external id (for the one-row-per-completion table). */
export async function firstMessages(db: pg.ClientBase | pg.Pool, projectId: number, externalIds: readonly string[]): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const { rows } = await db.query<{ external_id: string; message: string }>(
    `SELECT k.external_id, ${FIRST_MESSAGE_SQL} AS message FROM cases k WHERE k.project_id = $1 AND k.external_id = ANY($2::text[])`,
    [projectId, [...new Set(externalIds)]],
  );
  return new Map(rows.map((row) => [row.external_id, row.message]));
}

/**
 * The cases before and after this one in the table's filter and order (external ids), for next/previous.
 * A pool, not a client: the two sides are asked at once, each on a connection of its own.
 */
export async function neighbourCases(db: pg.Pool, projectId: number, externalId: string, filter: CompletionFilter, sort: CompletionSort): Promise<{ previous: string | null; next: string | null }> {
  const found = await db.query<{ id: number }>("SELECT id FROM cases WHERE project_id = $1 AND external_id = $2", [projectId, externalId]);
  const id = found.rows[0]?.id;
  if (id === undefined) return { previous: null, next: null };
  const reverse: CompletionSort = sort === "id" ? "-id" : "id";
  const [next, previous] = await Promise.all([
    listCaseRows(db, projectId, { filter, limit: 1, sort, after: id }, []),
    listCaseRows(db, projectId, { filter, limit: 1, sort: reverse, after: id }, []),
  ]);
  return { previous: previous.items[0]?.caseId ?? null, next: next.items[0]?.caseId ?? null };
}
