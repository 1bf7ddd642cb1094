/**
 * The completion list behind GET /api/v1/completions (and the browse page,
 * exports and failure sets): the filter turned into SQL by ./completion-filter-sql.ts,
 * read through ONE table, with bound parameters only, and keyset
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
import { agreementCount, outcomeCount, statsCount, statsCountable } from "./aggregate-counts";
import { pairCount, winnerCount } from "./pair-counts";
import type { CompletionFilter, CompletionListQuery, CompletionSort, PolicyVerdict } from "../validations/filters";
import { exactSearchPredicate, type ResolvedSearch } from "../search/match";
import { encodeCursor } from "./cursor";
import { completionWhere, matchingFilter, parameters, policySql, resolveCompletionFilter, type PolicySql, type ResolvedCompletionFilter } from "./completion-filter-sql";

export { containsPattern } from "../search/match";
export {
  COMPLETION_FILTER_SQL,
  completionPredicates,
  completionWhere,
  dependsOnPolicy,
  matchingFilter,
  policySql,
  parameters,
  resolveCompletionFilter,
  resolveRunNames,
  staleSql,
  type Bind,
  type PolicySql,
  type PredicateUse,
  type ResolvedCompletionFilter,
} from "./completion-filter-sql";

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
  /** The policy verdict was judged against an older guideline version than the one in force. */
  policyStale: boolean;
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

/** Sort id -> ORDER BY direction and the keyset comparison that continues after a cursor. */
const COMPLETION_SORT_SQL: Record<CompletionSort, { direction: "ASC" | "DESC"; after: ">" | "<" }> = {
  id: { direction: "ASC", after: ">" },
  "-id": { direction: "DESC", after: "<" },
};

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
  policy_stale: boolean;
  reward: number;
  reply: string | null;
  text: string;
  latency_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  created_at: Date;
}

/** How many completions match a resolved filter, from the aggregates; null when they cannot say. */
export async function aggregateCount(db: pg.ClientBase | pg.Pool, projectId: number, found: ResolvedCompletionFilter): Promise<number | null> {
  const resolved = matchingFilter(found);
  if (statsCountable(resolved)) return statsCount(db, projectId, resolved);
  const outcome = await agreementCount(db, projectId, resolved);
  if (outcome) return outcome.cases * outcome.runs;
  const paired = (await pairCount(db, projectId, resolved)) ?? (await winnerCount(db, projectId, resolved));
  if (paired) return paired.completions;
  return outcomeCount(db, projectId, resolved);
}

/** How many completions match the filter: exact (the browse page's match count); from the aggregates when they can say. */
export async function countCompletions(db: pg.ClientBase | pg.Pool, projectId: number, filter: CompletionFilter): Promise<number> {
  const found = await resolveCompletionFilter(db, projectId, filter);
  if (!found) return 0;
  const counted = await aggregateCount(db, projectId, found);
  if (counted !== null) return counted;
  const resolved = matchingFilter(found);
  const { values, bind } = parameters();
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM completions c WHERE ${completionWhere(projectId, resolved, bind, "set")}`, values);
  return rows[0]!.n;
}

/** One page of completions matching the filter, in the requested order, and the cursor of the next page. */
/**
 * How many rows in index order a text search reads row by row before it asks
 * the search index instead. A word in most completions fills a page within
 * the first hundred rows this way, where the index would first collect every
 * one of its matches (seconds at a million cases); a rarer word finds fewer
 * than a page in this prefix and goes to the index, which is fast for it.
 */
export const SEARCH_SCAN_ROWS = 2_000;

/** A page's columns; the policy verdict is the counted one, or the filter's judge's (`policy`). */
const pageColumns = (policy: PolicySql) => `c.id, k.external_id AS case_external_id, r.name AS run, r.model, c.expected_intent, c.predicted_intent, c.predicted_intent_truncated,
            c.intent_verdict, c.format_error, c.unknown_intent, ${policy.verdict("c")} AS policy_verdict, ${policy.stale("c")} AS policy_stale, c.reward, c.reply, c.text,
            c.latency_ms, c.prompt_tokens, c.completion_tokens, c.created_at`;

/** A text search's page from the first SEARCH_SCAN_ROWS rows in order, or null when they do not settle it. */
async function scannedSearchPage(db: pg.ClientBase | pg.Pool, projectId: number, query: CompletionListQuery, filter: ResolvedCompletionFilter & { q: ResolvedSearch }, scanRows: number): Promise<ItemRow[] | null> {
  const { values, bind } = parameters();
  const sort = COMPLETION_SORT_SQL[query.sort];
  const others = completionWhere(projectId, { ...filter, q: undefined }, bind);
  const keyset = query.after === null ? "" : ` AND c.id ${sort.after} ${bind(query.after)}`;
  const { rows } = await db.query<ItemRow & { scanned: number }>(
    `WITH scanned AS (SELECT * FROM completions c WHERE ${others}${keyset} ORDER BY c.id ${sort.direction} LIMIT ${bind(scanRows)}),
          matched AS (SELECT * FROM scanned c WHERE ${exactSearchPredicate(filter.q.text, bind)} ORDER BY c.id ${sort.direction} LIMIT ${bind(query.limit + 1)})
     SELECT ${pageColumns(policySql(filter.judge, bind))}, (SELECT count(*) FROM scanned)::int AS scanned
       FROM matched c
       JOIN cases k ON k.project_id = c.project_id AND k.id = c.case_id
       JOIN runs r ON r.project_id = c.project_id AND r.id = c.run_id
      ORDER BY c.id ${sort.direction}`,
    values,
  );
  // A full page (and one more) among the first rows, in order, is the page; so is whatever the rows hold when they were all there is.
  if (rows.length > query.limit) return rows;
  if (rows.length > 0 && rows[0]!.scanned < scanRows) return rows;
  if (rows.length === 0) {
    // No match among the first rows: settled only if there were no more rows to read.
    const again = parameters();
    const where = completionWhere(projectId, { ...filter, q: undefined }, again.bind);
    const after = query.after === null ? "" : ` AND c.id ${sort.after} ${again.bind(query.after)}`;
    const { rows: counted } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM completions c WHERE ${where}${after} LIMIT ${again.bind(scanRows)}) s`, again.values);
    if (counted[0]!.n < scanRows) return [];
  }
  return null;
}

/**
 * Whether the aggregates say nothing matches a filter on the verdicts that no
 * index holds (the counted policy verdict, which a judge moves in place, and
 * system success): a page under such a filter reads rows in order until it
 * is full, every row of the project when none match. The aggregates answer
 * first (a few milliseconds at 1,000,000 cases).
 */
export async function unindexedNoneMatch(db: pg.ClientBase | pg.Pool, projectId: number, filter: ResolvedCompletionFilter): Promise<boolean> {
  if (filter.policyVerdict === undefined && filter.systemSuccess === undefined) return false;
  return (await aggregateCount(db, projectId, filter)) === 0;
}

/** `searchScanRows`: see SEARCH_SCAN_ROWS (tests set it to reach both ways of answering a search). */
export async function listCompletions(db: pg.ClientBase | pg.Pool, projectId: number, query: CompletionListQuery, options: { searchScanRows?: number } = {}): Promise<CompletionPage> {
  const filter = await resolveCompletionFilter(db, projectId, query.filter);
  if (!filter || (await unindexedNoneMatch(db, projectId, filter))) return { items: [], nextCursor: null };
  const scanRows = options.searchScanRows ?? SEARCH_SCAN_ROWS;
  if (filter.q !== undefined && scanRows > 0) {
    const scanned = await scannedSearchPage(db, projectId, query, { ...filter, q: filter.q }, scanRows);
    if (scanned) return pageOf(scanned, query);
  }
  const { values, bind } = parameters();
  const sort = COMPLETION_SORT_SQL[query.sort];
  const where = completionWhere(projectId, filter, bind);
  const keyset = query.after === null ? "" : ` AND c.id ${sort.after} ${bind(query.after)}`;
  // The page is chosen on completions alone (index order, LIMIT), then joined for names.
  const { rows } = await db.query<ItemRow>(
    `SELECT ${pageColumns(policySql(filter.judge, bind))}
       FROM (SELECT * FROM completions c WHERE ${where}${keyset} ORDER BY c.id ${sort.direction} LIMIT ${bind(query.limit + 1)}) c
       JOIN cases k ON k.project_id = c.project_id AND k.id = c.case_id
       JOIN runs r ON r.project_id = c.project_id AND r.id = c.run_id
      ORDER BY c.id ${sort.direction}`,
    values,
  );
  return pageOf(rows, query);
}

/** The page of `limit` rows and the cursor of the next, from up to limit + 1 rows in order. */
function pageOf(rows: ItemRow[], query: CompletionListQuery): CompletionPage {
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
    policyStale: row.policy_stale,
    reward: row.reward,
    reply: row.reply,
    text: row.text,
    latencyMs: row.latency_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    createdAt: row.created_at,
  };
}

