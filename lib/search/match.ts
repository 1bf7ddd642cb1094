/**
 * The completion filter `q` as SQL: a case-insensitive substring (ILIKE; no
 * accent folding, LIKE's % and _ taken literally) of the customer's messages
 * (the case's `user` messages) or of the completion text, reply included.
 *
 * Two sources of candidates, one answer:
 * - completion_search: a document per completion (user messages, one per
 *   line, a line break, the completion text) under a trigram GIN index,
 *   trusted only where no backlog entry covers the completion;
 * - completion_search_backlog: completions whose document is missing or may
 *   be stale (stored since the indexer last ran), matched directly against
 *   their case and text, exactly as the filter reads.
 * Nothing is missed while the indexer lags; the tail is only slower to read.
 * Written as an uncorrelated IN over two single-table scans, so the planner
 * drives the query from the index. (A word in most completions is the slow
 * case: every match is collected before the first page is cut; see README.)
 */
import type pg from "pg";
import type { Bind } from "../query/completions";

/** An ILIKE pattern matching `text` anywhere, with LIKE's wildcards and escape taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The filter's own reading over completion `alias`: the text, or a user message of its case. */
function exactMatch(alias: string, pattern: string): string {
  return `(${alias}.text ILIKE ${pattern} ESCAPE '\\' OR EXISTS (
      SELECT 1 FROM cases k, jsonb_array_elements(k.messages) AS m(message)
       WHERE k.project_id = ${alias}.project_id AND k.id = ${alias}.case_id
         AND m.message->>'role' = 'user' AND m.message->>'content' ILIKE ${pattern} ESCAPE '\\'))`;
}

/** The document the indexer stores for completion `c` of case `k` (see the completion_search migration). */
export const SEARCH_DOCUMENT_SQL = `coalesce((SELECT string_agg(m.message->>'content', E'\\n' ORDER BY m.n)
       FROM jsonb_array_elements(k.messages) WITH ORDINALITY AS m(message, n)
      WHERE m.message->>'role' = 'user'), '') || E'\\n' || c.text`;

/*
 * The backlog as arrays, each computed once per query (an InitPlan): the ids
 * it covers (read directly), and the ids of single-completion entries, which
 * is how a changed text or changed messages are recorded (their documents may
 * be stale and are not trusted). Each branch stays a plain scan of one table,
 * so the index drives the query for a rare word.
 */
const BACKLOG_IDS = "ARRAY(SELECT generate_series(b.first_id, b.last_id) FROM completion_search_backlog b)";
const CHANGED_IDS = "ARRAY(SELECT b.first_id FROM completion_search_backlog b WHERE b.first_id = b.last_id)";

/** The filter's own reading of `q` over completion `c`, row by row (for a scan that stops after a page). */
export function exactSearchPredicate(text: string, bind: Bind): string {
  return exactMatch("c", bind(containsPattern(text)));
}

/** A resolved text filter: the text, its project, and whether that project's search index was complete when resolved. */
export interface ResolvedSearch {
  text: string;
  projectId: number;
  /** No completion of the project awaits the indexer: completion_search alone holds every match. */
  indexComplete: boolean;
}

/** Whether every completion of the project has its search document (no backlog entry). */
export async function searchIndexComplete(db: pg.ClientBase | pg.Pool, projectId: number): Promise<boolean> {
  const { rows } = await db.query<{ complete: boolean }>("SELECT NOT EXISTS (SELECT 1 FROM completion_search_backlog WHERE project_id = $1) AS complete", [projectId]);
  return rows[0]!.complete;
}

/**
 * The `q` predicate over `c` (completions). To count or group every match
 * (`set`) when the project's index is complete, a semi-join with
 * completion_search alone: PostgreSQL estimates it from that table's
 * statistics and, for a common word, runs it as a parallel hash join (at a
 * million cases x 3 runs, a word in 1.8M completions: counted in 4.3 s, where
 * the two-branch form below took 14 s, its union estimated at 200 rows and
 * probed row by row). Otherwise the two-branch form, which the index drives
 * for a rare word.
 */
export function searchPredicate(search: ResolvedSearch, bind: Bind, use: "rows" | "set"): string {
  const { text } = search;
  const pattern = bind(containsPattern(text));
  // Joined lines could match across the line break between two parts; such text is checked exactly.
  const exactAcrossLines = (candidates: string) => (/[\n\r]/.test(text) ? `(${candidates} AND ${exactMatch("c", pattern)})` : candidates);
  if (use === "set" && search.indexComplete) {
    return exactAcrossLines(`c.id IN (SELECT s.completion_id FROM completion_search s WHERE s.project_id = ${bind(search.projectId)} AND s.document ILIKE ${pattern} ESCAPE '\\')`);
  }
  const candidates = `(c.project_id, c.id) IN (
      SELECT s.project_id, s.completion_id FROM completion_search s
       WHERE s.document ILIKE ${pattern} ESCAPE '\\' AND s.completion_id <> ALL (${CHANGED_IDS})
      UNION ALL
      SELECT t.project_id, t.id FROM completions t
       WHERE t.id = ANY (${BACKLOG_IDS}) AND ${exactMatch("t", pattern)})`;
  return exactAcrossLines(candidates);
}
