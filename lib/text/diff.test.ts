import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_EDITS, wordDiff } from "./diff";

const rebuild = (parts: ReturnType<typeof wordDiff>, side: "from" | "to") =>
  parts!.filter((part) => part.kind === "same" || part.kind === (side === "from" ? "removed" : "added")).map((part) => part.text).join("");

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

  it("compares long replies that differ in up to 1,000 places, and gives up past that", () => {
    expect(MAX_EDITS).toBe(1000);
    const words = (n: number, seed: number) => Array.from({ length: n }, (_, i) => `w${(i * seed) % 997}`).join(" ");
    // 20,000 words, one in 50 replaced: 400 words out and 400 in.
    const long = words(20_000, 7);
    const edited = long.split(" ").map((word, i) => (i % 50 === 0 ? "CHANGED" : word)).join(" ");
    const parts = wordDiff(long, edited)!;
    expect(parts.filter((part) => part.kind === "added").map((part) => part.text)).toEqual(Array(400).fill("CHANGED"));
    expect(rebuild(parts, "from")).toBe(long);
    expect(rebuild(parts, "to")).toBe(edited);
    // Removing everything: 500 words and 499 spaces are 999 edits, one word more is 1,001.
    expect(wordDiff(words(500, 7), "")).toEqual([{ kind: "removed", text: words(500, 7) }]);
    expect(wordDiff(words(501, 7), "")).toBeNull();
    // Two different replies of 1,000 words.
    expect(wordDiff(words(1000, 7), words(1000, 13))).toBeNull();
  });
});
