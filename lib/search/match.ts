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

/** The `q` predicate over `c` (completions). */
export function searchPredicate(text: string, bind: Bind): string {
  const pattern = bind(containsPattern(text));
  const candidates = `(c.project_id, c.id) IN (
      SELECT s.project_id, s.completion_id FROM completion_search s
       WHERE s.document ILIKE ${pattern} ESCAPE '\\' AND s.completion_id <> ALL (${CHANGED_IDS})
      UNION ALL
      SELECT t.project_id, t.id FROM completions t
       WHERE t.id = ANY (${BACKLOG_IDS}) AND ${exactMatch("t", pattern)})`;
  // Joined lines could match across the line break between two parts; such text is checked exactly.
  return /[\n\r]/.test(text) ? `(${candidates} AND ${exactMatch("c", pattern)})` : candidates;
}
