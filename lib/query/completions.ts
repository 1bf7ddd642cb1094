/**
 * The completion list behind GET /api/v1/completions (and the browse page,
 * exports and failure sets): the filter of lib/validations/filters.ts turned
 * into SQL through ONE table, with bound parameters only, and keyset
 * pagination on the completion id (no OFFSET, no count).
 *
 * Indexes (migration 20261127160000_completion_keyset): with one run and one
 * value of a verdict or intent filter, rows come in id order straight from
 * (project_id, run_id, <column>, id); a run alone from (project_id, run_id, id);
 * no run from the primary key (project_id, id). Other filters are checked on
 * the rows such a scan visits, so a page stops after `limit` matches.
 */
import type pg from "pg";
import type { IntentVerdict } from "../grading/intent";
import type { CompletionFilter, CompletionListQuery, CompletionSort, PolicyVerdict } from "../validations/filters";
import { searchPredicate } from "../search/match";
import { encodeCursor } from "./cursor";

export { containsPattern } from "../search/match";

export interface CompletionListItem {
  /** The case's external id. */
  caseId: string;
  run: string;
  model: string;
  expectedIntent: string;
  predictedIntent: string | null;
  /** predictedIntent holds only the start of a longer intent tag (the whole one is in `text`). */
  predictedIntentTruncated: boolean;
  intentVerdict: IntentVerdict;
  formatError: string | null;
  unknownIntent: boolean;
  policyVerdict: PolicyVerdict;
  reward: number;
  reply: string | null;
  text: string;
  latencyMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  createdAt: Date;
}

export interface CompletionPage {
  items: CompletionListItem[];
  nextCursor: string | null;
}

/** Binds a value as the next query parameter and returns its placeholder. */
export type Bind = (value: unknown) => string;

/** The filter as SQL sees it: run names already resolved to this project's run ids. */
export type ResolvedCompletionFilter = Omit<CompletionFilter, "run"> & { run?: number[] };

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
export const COMPLETION_FILTER_SQL: { [K in keyof ResolvedCompletionFilter]-?: (value: NonNullable<ResolvedCompletionFilter[K]>, bind: Bind) => string } = {
  run: (ids, bind) => anyOf("c.run_id", "int4", ids, bind),
  expectedIntent: (ids, bind) => anyOf("c.expected_intent", "text", ids, bind),
  predictedIntent: (ids, bind) => anyOf("c.predicted_intent", "text", ids, bind),
  intentVerdict: (verdicts, bind) => anyOf("c.intent_verdict", "intent_verdict", verdicts, bind),
  policyVerdict: (verdicts, bind) => anyOf("c.policy_verdict", "policy_verdict", verdicts, bind),
  q: (text, bind) => searchPredicate(text, bind),
};

/** Sort id -> ORDER BY direction and the keyset comparison that continues after a cursor. */
const COMPLETION_SORT_SQL: Record<CompletionSort, { direction: "ASC" | "DESC"; after: ">" | "<" }> = {
  id: { direction: "ASC", after: ">" },
  "-id": { direction: "DESC", after: "<" },
};

/** Collects query parameters; predicates only ever see placeholders. */
export function parameters(): { values: unknown[]; bind: Bind } {
  const values: unknown[] = [];
  return { values, bind: (value) => `$${values.push(value)}` };
}

/** The WHERE clause over `completions c` for one project and a resolved filter; project first, always. */
export function completionWhere(projectId: number, filter: ResolvedCompletionFilter, bind: Bind): string {
  const predicates = [`c.project_id = ${bind(projectId)}`];
  for (const id of Object.keys(COMPLETION_FILTER_SQL) as (keyof ResolvedCompletionFilter)[]) {
    const value = filter[id];
    if (value === undefined) continue;
    predicates.push((COMPLETION_FILTER_SQL[id] as (v: unknown, b: Bind) => string)(value, bind));
  }
  return predicates.join(" AND ");
}

/** Run names to this project's run ids (names of other projects' runs, or of none, resolve to nothing). */
export async function resolveRunNames(db: pg.ClientBase | pg.Pool, projectId: number, names: readonly string[]): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>("SELECT id FROM runs WHERE project_id = $1 AND name = ANY($2::text[]) ORDER BY id", [projectId, names]);
  return rows.map((row) => row.id);
}

/** Resolves the names in a filter; null when a run filter names no run of the project (nothing can match). */
export async function resolveCompletionFilter(db: pg.ClientBase | pg.Pool, projectId: number, filter: CompletionFilter): Promise<ResolvedCompletionFilter | null> {
  if (filter.run === undefined) return { ...filter, run: undefined };
  const run = await resolveRunNames(db, projectId, filter.run);
  return run.length === 0 ? null : { ...filter, run };
}

interface ItemRow {
  id: number;
  case_external_id: string;
  run: string;
  model: string;
  expected_intent: string;
  predicted_intent: string | null;
  predicted_intent_truncated: boolean;
  intent_verdict: IntentVerdict;
  format_error: string | null;
  unknown_intent: boolean;
  policy_verdict: PolicyVerdict;
  reward: number;
  reply: string | null;
  text: string;
  latency_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  created_at: Date;
}

/** How many completions match the filter: exact (the browse page's match count). */
export async function countCompletions(db: pg.ClientBase | pg.Pool, projectId: number, filter: CompletionFilter): Promise<number> {
  const resolved = await resolveCompletionFilter(db, projectId, filter);
  if (!resolved) return 0;
  const { values, bind } = parameters();
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM completions c WHERE ${completionWhere(projectId, resolved, bind)}`, values);
  return rows[0]!.n;
}

/** One page of completions matching the filter, in the requested order, and the cursor of the next page. */
export async function listCompletions(db: pg.ClientBase | pg.Pool, projectId: number, query: CompletionListQuery): Promise<CompletionPage> {
  const filter = await resolveCompletionFilter(db, projectId, query.filter);
  if (!filter) return { items: [], nextCursor: null };
  const { values, bind } = parameters();
  const sort = COMPLETION_SORT_SQL[query.sort];
  const where = completionWhere(projectId, filter, bind);
  const keyset = query.after === null ? "" : ` AND c.id ${sort.after} ${bind(query.after)}`;
  // The page is chosen on completions alone (index order, LIMIT), then joined for names.
  const { rows } = await db.query<ItemRow>(
    `SELECT c.id, k.external_id AS case_external_id, r.name AS run, r.model, c.expected_intent, c.predicted_intent, c.predicted_intent_truncated,
            c.intent_verdict, c.format_error, c.unknown_intent, c.policy_verdict, c.reward, c.reply, c.text,
            c.latency_ms, c.prompt_tokens, c.completion_tokens, c.created_at
       FROM (SELECT * FROM completions c WHERE ${where}${keyset} ORDER BY c.id ${sort.direction} LIMIT ${bind(query.limit + 1)}) c
       JOIN cases k ON k.project_id = c.project_id AND k.id = c.case_id
       JOIN runs r ON r.project_id = c.project_id AND r.id = c.run_id
      ORDER BY c.id ${sort.direction}`,
    values,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > query.limit && last ? encodeCursor([query.sort, last.id]) : null,
  };
}

function toItem(row: ItemRow): CompletionListItem {
  return {
    caseId: row.case_external_id,
    run: row.run,
    model: row.model,
    expectedIntent: row.expected_intent,
    predictedIntent: row.predicted_intent,
    predictedIntentTruncated: row.predicted_intent_truncated,
    intentVerdict: row.intent_verdict,
    formatError: row.format_error,
    unknownIntent: row.unknown_intent,
    policyVerdict: row.policy_verdict,
    reward: row.reward,
    reply: row.reply,
    text: row.text,
    latencyMs: row.latency_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    createdAt: row.created_at,
  };
}
