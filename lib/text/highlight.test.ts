import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { highlightParts } from "./highlight";

const marked = (text: string, q: string) => highlightParts(text, q).map((part) => (part.match ? `[${part.text}]` : part.text)).join("");

describe("highlightParts", () => {
  it("marks every case-insensitive occurrence, literally", () => {
    expect(marked("Refund please, REFUND now", "refund")).toBe("[Refund] please, [REFUND] now");
    expect(marked("50% off, 500 off", "50%")).toBe("[50%] off, 500 off");
    expect(marked("a.b axb", "a.b")).toBe("[a.b] axb");
    expect(marked("(x) [y] $z", "[y]")).toBe("(x) [y] $z".replace("[y]", "[[y]]"));
    expect(marked("no match here", "zebra")).toBe("no match here");
    expect(marked("ÉCOLE école", "école")).toBe("[ÉCOLE] [école]");
  });

  it("leaves the text alone without a query", () => {
    expect(highlightParts("text", undefined)).toEqual([{ text: "text", match: false }]);
    expect(highlightParts("", "x")).toEqual([{ text: "", match: false }]);
  });

  it("always rebuilds the text exactly, and finds the query where it was put", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ minLength: 1, maxLength: 3 }), (text, q) => {
        const parts = highlightParts(text + q + text, q);
        expect(parts.map((part) => part.text).join("")).toBe(text + q + text);
        expect(parts.some((part) => part.match)).toBe(true);
      }),
    );
  });
});
