/**
 * A text as pieces a browser keeps whole. Browsers split a text node of more
 * than 65,536 characters in two when they parse a page, and React, hydrating
 * it, then finds a text that differs from the one it rendered, and renders the
 * whole page again. Rendered as several text nodes (React separates adjacent
 * ones), pieces of at most CHUNK_LENGTH characters arrive as they were sent.
 * Pure, shared by server and client.
 */

/** Characters per piece at most: well under the browsers' split. */
export const CHUNK_LENGTH = 16_384;

/** The text in order as pieces of at most `size` characters (one piece when it is no longer), surrogate pairs never cut. */
export function textChunks(text: string, size = CHUNK_LENGTH): string[] {
  if (text.length <= size) return [text];
  const chunks: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + size, text.length);
    const code = text.charCodeAt(end);
    if (end < text.length && code >= 0xdc00 && code <= 0xdfff) end -= 1; // a low surrogate goes with its high one
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}
