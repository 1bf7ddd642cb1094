import { describe, expect, it } from "vitest";
import { auditValue, parseAuditCursor } from "./audit";

describe("parseAuditCursor", () => {
  it.each([
    [undefined, { invalid: false }],
    ["42", { before: 42n, invalid: false }],
    ["9223372036854775807", { before: 9223372036854775807n, invalid: false }],
    ["9223372036854775808", { invalid: true }],
    ["0", { invalid: true }],
    ["-1", { invalid: true }],
    ["1e3", { invalid: true }],
    ["", { invalid: true }],
    [["1", "2"], { invalid: true }],
  ])("%s", (raw, expected) => {
    expect(parseAuditCursor(raw)).toEqual(expected);
  });
});

describe("auditValue", () => {
  it("is compact JSON, or a dash for none", () => {
    expect(auditValue(null)).toBe("–");
    expect(auditValue({ role: "viewer", n: [1, 2] })).toBe('{"role":"viewer","n":[1,2]}');
  });
});
