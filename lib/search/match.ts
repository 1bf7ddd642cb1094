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
 * Written as an uncorrelated IN, so the planner can either drive the query
 * from the index (a rare word) or walk completions in id order and probe each
 * (a common word, where the first page is found after a few rows).
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

/** True when some backlog entry of the completion's project covers its id. */
function inBacklog(project: string, id: string): string {
  return `EXISTS (SELECT 1 FROM completion_search_backlog b WHERE b.project_id = ${project} AND b.first_id <= ${id} AND b.last_id >= ${id})`;
}

/** The `q` predicate over `c` (completions). */
export function searchPredicate(text: string, bind: Bind): string {
  const pattern = bind(containsPattern(text));
  const candidates = `(c.project_id, c.id) IN (
      SELECT s.project_id, s.completion_id FROM completion_search s
       WHERE s.document ILIKE ${pattern} ESCAPE '\\' AND NOT ${inBacklog("s.project_id", "s.completion_id")}
      UNION ALL
      SELECT t.project_id, t.id FROM completion_search_backlog b
        JOIN completions t ON t.project_id = b.project_id AND t.id BETWEEN b.first_id AND b.last_id
       WHERE ${exactMatch("t", pattern)})`;
  // Joined lines could match across the line break between two parts; such text is checked exactly.
  return /[\n\r]/.test(text) ? `(${candidates} AND ${exactMatch("c", pattern)})` : candidates;
}
