/**
 * What a table cell shows of a long text: the cell shows three lines, so a
 * text of any length is cut to an excerpt before it is sent (a reply of
 * 100,000 characters would otherwise travel whole, twice, in every page of
 * the table, and browsers split a text node of more than 65,536 characters
 * when they parse the page, which React then takes for a mismatch).
 *
 * With a search text, the excerpt begins a little before its first
 * occurrence, so the match the row was found by is in view. Pure, shared by
 * server and client; the matching is highlightParts' (./highlight.ts).
 */
import { firstMatch } from "./highlight";

/** Characters a cell's excerpt keeps at most, ellipses apart. */
export const EXCERPT_LENGTH = 1000;
/** Characters kept before the first match, when the excerpt has to begin later than the text. */
const BEFORE_MATCH = 80;

/** The text, or an excerpt of EXCERPT_LENGTH characters marked with "…" where it was cut. */
export function excerpt(text: string, query?: string): string {
  if (text.length <= EXCERPT_LENGTH) return text;
  const match = firstMatch(text, query);
  let start = match === null || match.end <= EXCERPT_LENGTH ? 0 : Math.max(0, match.start - BEFORE_MATCH);
  let end = Math.min(text.length, start + EXCERPT_LENGTH);
  // Never cut a surrogate pair in two: a lone half is not text (and no two renderings agree on it).
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start += 1;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end -= 1;
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
