import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { excerpt, EXCERPT_LENGTH } from "./excerpt";

describe("excerpt", () => {
  it("keeps a text of up to 1,000 characters whole", () => {
    expect(EXCERPT_LENGTH).toBe(1000);
    expect(excerpt("Where is my refund?")).toBe("Where is my refund?");
    const exactly = "x".repeat(1000);
    expect(excerpt(exactly)).toBe(exactly);
    expect(excerpt("")).toBe("");
  });

  it("cuts a longer text to its first 1,000 characters, marked with an ellipsis", () => {
    const long = "W".repeat(100_000);
    expect(excerpt(long)).toBe(`${"W".repeat(1000)}…`);
    expect(excerpt(`${"a".repeat(1000)}b`)).toBe(`${"a".repeat(1000)}…`);
  });

  it("with a search text found beyond the first 1,000 characters, begins 80 characters before it", () => {
    const text = `${"a".repeat(5000)}REFUND${"b".repeat(5000)}`;
    const cut = excerpt(text, "refund");
    expect(cut).toBe(`…${"a".repeat(80)}REFUND${"b".repeat(1000 - 86)}…`);
    // Found near the end: the excerpt runs to the end of the text, so no closing ellipsis.
    const late = `${"a".repeat(5000)}refund!`;
    expect(excerpt(late, "REFUND")).toBe(`…${"a".repeat(80)}refund!`);
  });

  it("begins at the start when the first match is within the first 1,000 characters, or there is none", () => {
    const early = `${"a".repeat(900)}refund${"b".repeat(5000)}`;
    expect(excerpt(early, "refund")).toBe(`${early.slice(0, 1000)}…`);
    const none = "c".repeat(3000);
    expect(excerpt(none, "refund")).toBe(`${"c".repeat(1000)}…`);
    // The search text literally, as the filter takes it: a "." is a dot.
    expect(excerpt(`${"a".repeat(2000)}x.y`, ".")).toBe(`…${"a".repeat(79)}x.y`);
  });

  it("never cuts a surrogate pair in two", () => {
    const emoji = "😀"; // two UTF-16 units
    const text = `${"a".repeat(999)}${emoji}${"b".repeat(10)}`; // the pair is at 999-1000
    expect(excerpt(text)).toBe(`${"a".repeat(999)}…`);
    const later = `${emoji.repeat(3000)}refund`;
    const cut = excerpt(later, "refund");
    expect(cut.startsWith("…")).toBe(true);
    expect(cut.endsWith("refund")).toBe(true);
    expect(cut.isWellFormed()).toBe(true);
  });

  it("is always a well-formed piece of the text, at most 1,000 characters between its ellipses, containing the first match", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }), { maxLength: 3000 }), fc.string({ unit: "grapheme", minLength: 1, maxLength: 5 }), fc.nat(3000), (graphemes, query, at) => {
        const whole = graphemes.slice(0, at).join("") + query + graphemes.slice(at).join("");
        const cut = excerpt(whole, query);
        const inner = cut.replace(/^…/, "").replace(/…$/, "");
        expect(inner.length).toBeLessThanOrEqual(EXCERPT_LENGTH);
        expect(whole.includes(inner)).toBe(true);
        expect(cut.isWellFormed()).toBe(true);
        if (whole.length <= EXCERPT_LENGTH) expect(cut).toBe(whole);
        const index = whole.toLowerCase().indexOf(query.toLowerCase());
        if (index >= 0 && query.length <= 80 && query.toLowerCase().length === query.length) expect(inner.toLowerCase()).toContain(query.toLowerCase());
      }),
    );
  });
});
