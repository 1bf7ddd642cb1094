/**
 * Where a search text occurs in a text, to mark the matches in the table: the
 * same matching as the filter `q` (case-insensitive substring, the search
 * text taken literally). Pure, shared by server and client.
 */
export interface HighlightPart {
  text: string;
  match: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The filter's matching as a pattern: case-insensitive, the search text taken literally. */
function patternOf(query: string): RegExp {
  // The `u` flag's case folding keeps lengths (unlike toLowerCase, which turns "İ" into two units).
  return new RegExp(escapeRegExp(query), "giu");
}

/** Where `query` first occurs in `text` (start and end offsets), null when it does not or there is no query. */
export function firstMatch(text: string, query: string | undefined): { start: number; end: number } | null {
  if (!query) return null;
  const found = patternOf(query).exec(text);
  return found ? { start: found.index, end: found.index + found[0].length } : null;
}

/** Parts that rebuild `text` exactly, the occurrences of `query` marked. */
export function highlightParts(text: string, query: string | undefined): HighlightPart[] {
  if (!query || text === "") return [{ text, match: false }];
  const pattern = patternOf(query);
  const parts: HighlightPart[] = [];
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    const start = found.index;
    if (start > last) parts.push({ text: text.slice(last, start), match: false });
    parts.push({ text: found[0], match: true });
    last = start + found[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push({ text: text.slice(last), match: false });
  return parts;
}
