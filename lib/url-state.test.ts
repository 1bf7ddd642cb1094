import { describe, expect, it } from "vitest";
import { decodePathParam, enumParam, parseSearchParamsReporting, textParam } from "./url-state";

describe("decodePathParam", () => {
  it("decodes a percent-encoded segment to the name it stands for, slashes and markup included", () => {
    expect(decodePathParam("c0-%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E")).toBe("c0-<script>window.__xss=1</script>");
    expect(decodePathParam("a%2Fb%20c")).toBe("a/b c");
    expect(decodePathParam("%E2%80%AEevil")).toBe("\u202Eevil");
    expect(decodePathParam("plain-id")).toBe("plain-id");
  });

  it("is null for a segment no name can have: broken percent-encoding, a lone surrogate, a NUL", () => {
    expect(decodePathParam("100%")).toBeNull();
    expect(decodePathParam("%E2%80")).toBeNull();
    expect(decodePathParam("%ED%A0%80")).toBeNull();
    expect(decodePathParam("a%00b")).toBeNull();
  });
});

describe("parseSearchParamsReporting", () => {
  const shape = { view: enumParam(["customer", "full"] as const, "customer"), a: textParam(10) };

  it("falls back like parseSearchParams and names each given value that did not parse, with why", () => {
    const { values, dropped } = parseSearchParamsReporting(shape, { view: "sideways", a: "x".repeat(11) });
    expect(values).toEqual({ view: "customer", a: undefined });
    expect(dropped.map((d) => [d.parameter, d.value])).toEqual([["view", "sideways"], ["a", "x".repeat(11)]]);
    expect(dropped.map((d) => d.reason)).toEqual(["expected one of: customer, full", "longer than 10 characters"]);
  });

  it("says why a text value no page can use was dropped", () => {
    expect(parseSearchParamsReporting(shape, { a: "x\u0000" }).dropped).toEqual([{ parameter: "a", value: "x\u0000", reason: "contains a NUL character or a lone surrogate" }]);
  });

  it("reports nothing for valid, missing or blank values", () => {
    expect(parseSearchParamsReporting(shape, { view: "full", a: "run-1" })).toEqual({ values: { view: "full", a: "run-1" }, dropped: [] });
    expect(parseSearchParamsReporting(shape, { a: "  " }).dropped).toEqual([]);
    expect(parseSearchParamsReporting(shape, {}).dropped).toEqual([]);
  });
});
