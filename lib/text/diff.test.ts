import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wordDiff } from "./diff";

const rebuild = (parts: ReturnType<typeof wordDiff>, side: "from" | "to") =>
  parts.filter((part) => part.kind === "same" || part.kind === (side === "from" ? "removed" : "added")).map((part) => part.text).join("");

/** Replies: words from a small vocabulary (so the two share some), punctuation and whitespace runs. */
const replyText = fc
  .array(fc.oneof(fc.constantFrom("the", "fee", "order", "refund", "is", "$4.99", "you.", "Anything", "else?", "'s"), fc.constantFrom(" ", "  ", "\n", ". ", ", ", " \t")), { maxLength: 30 })
  .map((tokens) => tokens.join(""));

describe("word diff of two replies", () => {
  it("marks the changed words", () => {
    expect(wordDiff("We will cancel it today for a small fee.", "We will cancel it now for a small fee.")).toEqual([
      { kind: "same", text: "We will cancel it " },
      { kind: "removed", text: "today" },
      { kind: "added", text: "now" },
      { kind: "same", text: " for a small fee." },
    ]);
    expect(wordDiff("same words", "same words")).toEqual([{ kind: "same", text: "same words" }]);
  });

  it("always rebuilds both replies exactly", () => {
    fc.assert(
      fc.property(replyText, replyText, (a, b) => {
        const parts = wordDiff(a, b);
        expect(rebuild(parts, "from")).toBe(a);
        expect(rebuild(parts, "to")).toBe(b);
      }),
      { numRuns: 500 },
    );
  });
});
