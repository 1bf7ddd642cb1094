/**
 * The tag lexer of the intent grader (lib/grading/intent.ts): finds the four
 * canonical tags and any tag-like token that is not exactly canonical. A single
 * left-to-right pass that only stops at '<'; no regular expressions, so no
 * backtracking, and every character is looked at a bounded number of times
 * (linear time, safe on 1 MB adversarial inputs).
 */

/** Canonical tags, indexed by tag kind (also the required order). */
export const CANONICAL_TAGS = Object.freeze(["<analysis>", "</analysis>", "<intent>", "</intent>"] as const);
export const ANALYSIS_OPEN = 0;
export const ANALYSIS_CLOSE = 1;
export const INTENT_OPEN = 2;
export const INTENT_CLOSE = 3;

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f; // /

/** Same set as ECMAScript WhiteSpace + LineTerminator, i.e. what trim() strips. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

export function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/** ASCII case-insensitive match of a lower-case word at `at`. */
function matchesWordAt(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((text.charCodeAt(at + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

export interface TagToken {
  kind: number;
  start: number;
  end: number;
  canonical: boolean;
}

/**
 * Reads a tag-like token starting at the '<' at `lt`, or returns null when the
 * '<' does not start one. Tag-like: `<` ws* `/`? ws* (analysis|intent, any case)
 * followed by ws, `/` or `>`, then anything up to the next `>`. The scan stops at
 * another '<' (then it is not a tag), so the regions scanned from successive '<'
 * never overlap and lexing stays linear. `<intents>` or `<intent_id>` are other
 * names and stay plain text, as do "a < b" and HTML such as `<b>`.
 */
function readTagAt(text: string, lt: number): TagToken | null {
  let i = skipSpace(text, lt + 1);
  let closing = false;
  if (text.charCodeAt(i) === SLASH) {
    closing = true;
    i = skipSpace(text, i + 1);
  }
  let kind: number;
  if (matchesWordAt(text, i, "analysis")) {
    kind = closing ? ANALYSIS_CLOSE : ANALYSIS_OPEN;
    i += 8;
  } else if (matchesWordAt(text, i, "intent")) {
    kind = closing ? INTENT_CLOSE : INTENT_OPEN;
    i += 6;
  } else {
    return null;
  }
  const next = text.charCodeAt(i); // NaN at end of text
  if (!(next === GT || next === SLASH || isSpace(next))) return null;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === GT) {
      const end = i + 1;
      const tag = CANONICAL_TAGS[kind] as string;
      return { kind, start: lt, end, canonical: end - lt === tag.length && text.startsWith(tag, lt) };
    }
    if (c === LT) return null;
    i++;
  }
  return null;
}

export interface TagScan {
  malformed: TagToken | null;
  /** First occurrence of each kind, by kind index. */
  first: (TagToken | null)[];
  counts: number[];
  /** The tag kind whose second occurrence comes first in the text. */
  firstDuplicate: number | null;
}

export function scanTags(text: string): TagScan {
  const first: (TagToken | null)[] = [null, null, null, null];
  const counts = [0, 0, 0, 0];
  let firstDuplicate: number | null = null;
  for (let lt = text.indexOf("<"); lt !== -1; lt = text.indexOf("<", lt + 1)) {
    const token = readTagAt(text, lt);
    if (token === null) continue;
    // Malformed tags take precedence over everything, so the first one ends the scan.
    if (!token.canonical) return { malformed: token, first, counts, firstDuplicate };
    const seen = (counts[token.kind] ?? 0) + 1;
    counts[token.kind] = seen;
    if (seen === 1) first[token.kind] = token;
    else if (seen === 2 && firstDuplicate === null) firstDuplicate = token.kind;
    lt = token.end - 1;
  }
  return { malformed: null, first, counts, firstDuplicate };
}
