import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHUNK_LENGTH, textChunks } from "./chunks";

describe("textChunks", () => {
  it("keeps a text of up to 16,384 characters in one piece", () => {
    expect(CHUNK_LENGTH).toBe(16_384);
    expect(textChunks("")).toEqual([""]);
    expect(textChunks("x".repeat(16_384))).toEqual(["x".repeat(16_384)]);
  });

  it("cuts 100,000 characters into pieces of 16,384, the rest last", () => {
    const chunks = textChunks("W".repeat(100_000));
    expect(chunks.map((chunk) => chunk.length)).toEqual([16_384, 16_384, 16_384, 16_384, 16_384, 16_384, 1_696]);
  });

  it("never cuts a surrogate pair in two", () => {
    expect(textChunks("ab😀cd", 3)).toEqual(["ab", "😀c", "d"]);
  });

  it("gives back the text in order, each piece well-formed and at most `size` long", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), fc.integer({ min: 2, max: 50 }), (text, size) => {
        const chunks = textChunks(text, size);
        expect(chunks.join("")).toBe(text);
        for (const chunk of chunks) {
          expect(chunk.length).toBeLessThanOrEqual(size);
          if (text.isWellFormed()) expect(chunk.isWellFormed()).toBe(true);
        }
        if (text.length > size) expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
      }),
    );
  });
});
