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

/** Parts that rebuild `from` (same + removed) and `to` (same + added), in order. */
export function wordDiff(from: string, to: string): DiffPart[] {
  return diffWordsWithSpace(from, to).map((change) => ({ kind: change.added ? "added" : change.removed ? "removed" : "same", text: change.value }));
}
