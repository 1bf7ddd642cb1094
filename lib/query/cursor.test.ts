import fc from "fast-check";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { completionCursorSchema } from "../validations/filters";
import { CURSOR_MAX_LENGTH, decodeCursor, encodeCursor } from "./cursor";

describe("cursors", () => {
  it("round-trips completion sort keys, URL-safe and unpadded", () => {
    fc.assert(
      fc.property(fc.constantFrom("id" as const, "-id" as const), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (sort, id) => {
        const text = encodeCursor([sort, id]);
        expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(text, completionCursorSchema)).toEqual([sort, id]);
      }),
    );
  });

  it("round-trips any JSON, including non-ASCII text", () => {
    // The encoding alone: z.unknown() passes the parsed value through (a schema such as z.json()
    // rebuilds objects, and drops a "__proto__" key that JSON.parse keeps as an own property).
    const schema = z.unknown();
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = encodeCursor(value);
        fc.pre(text.length <= CURSOR_MAX_LENGTH);
        expect(decodeCursor(text, schema)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    expect(decodeCursor(encodeCursor(["é", "😀", "\u0000"]), schema)).toEqual(["é", "😀", "\u0000"]);
  });

  it("rejects what it did not make", () => {
    const bad = [
      "",
      "not a cursor!",
      "abc=",
      "a".repeat(CURSOR_MAX_LENGTH + 1),
      "A", // not decodable base64
      encodeCursor(["id"]),
      encodeCursor(["id", -1]),
      encodeCursor(["id", 1.5]),
      encodeCursor(["id", "12"]),
      encodeCursor(["name", 12]),
      encodeCursor({ id: 12 }),
      encodeCursor(["id", 12, "extra"]),
      encodeCursor(["id", Number.MAX_SAFE_INTEGER + 2]),
      btoa("{not json").replace(/=+$/, ""),
      btoa("\xff\xfe[1]").replace(/=+$/, ""), // not UTF-8
    ];
    for (const text of bad) expect(decodeCursor(text, completionCursorSchema), text).toBeNull();
  });
});
