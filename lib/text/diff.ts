/**
 * Word-level difference between two replies, for reading two models' answers
 * side by side. The diffing itself is the `diff` package's (Myers' algorithm,
 * word tokens). Its `diffWords` moves whitespace between parts, so the parts
 * would not rebuild the replies exactly; `diffWordsWithSpace` keeps it as
 * tokens of its own, and both replies are rebuilt to the character.
 */
import { diffWordsWithSpace } from "diff";

export interface DiffPart {
  kind: "same" | "removed" | "added";
  text: string;
}

/**
 * Edits (words and runs of whitespace inserted or removed) past which two
 * replies are not compared. Myers' algorithm costs time with the product of
 * the texts' length and the edits: two different replies of 5,000 words took
 * 9 s, on every view of their case. With the cap, at most about 80 ms for
 * replies of 20,000 words, and a diff of a thousand edits is past reading.
 */
export const MAX_EDITS = 1000;

/** Parts that rebuild `from` (same + removed) and `to` (same + added), in order; null when they differ by more than MAX_EDITS. */
export function wordDiff(from: string, to: string): DiffPart[] | null {
  const changes = diffWordsWithSpace(from, to, { maxEditLength: MAX_EDITS });
  return changes?.map((change) => ({ kind: change.added ? "added" : change.removed ? "removed" : "same", text: change.value })) ?? null;
}
