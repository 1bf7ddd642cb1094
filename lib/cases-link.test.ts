import { describe, expect, it } from "vitest";
import { comparisonCasesHref } from "./cases-link";

describe("comparisonCasesHref", () => {
  const base = { a: "small-base", b: "small-rft", success: "system" } as const;

  it("spells each summary figure of a comparison as the table's case-level filter", () => {
    expect(comparisonCasesHref("demo", { ...base, agreement: "paired" })).toBe("/projects/demo/cases?rows=case&run=small-base&run=small-rft&success=system&agreement=paired");
    expect(comparisonCasesHref("demo", { ...base, agreement: "allSucceed" })).toBe("/projects/demo/cases?rows=case&run=small-base&run=small-rft&success=system&agreement=allSucceed");
    expect(comparisonCasesHref("demo", { ...base, agreement: "allFail" })).toBe("/projects/demo/cases?rows=case&run=small-base&run=small-rft&success=system&agreement=allFail");
    expect(comparisonCasesHref("demo", { ...base, agreement: "disagree", winner: "small-base" })).toBe(
      "/projects/demo/cases?rows=case&run=small-base&run=small-rft&success=system&agreement=disagree&winner=small-base",
    );
    expect(comparisonCasesHref("demo", { ...base, success: "policy", agreement: "disagree", winner: "small-rft", expectedIntent: "get_refund" })).toBe(
      "/projects/demo/cases?rows=case&run=small-base&run=small-rft&success=policy&agreement=disagree&winner=small-rft&expectedIntent=get_refund",
    );
  });

  it("escapes untrusted run and project names", () => {
    const href = comparisonCasesHref("a b/c", { a: "r&1=x", b: "r#2?", success: "intent", agreement: "disagree", winner: "r&1=x" });
    expect(href).toBe("/projects/a%20b%2Fc/cases?rows=case&run=r%261%3Dx&run=r%232%3F&success=intent&agreement=disagree&winner=r%261%3Dx");
    const query = new URL(href, "http://x").searchParams;
    expect(query.getAll("run")).toEqual(["r&1=x", "r#2?"]);
    expect(query.get("winner")).toBe("r&1=x");
  });
});
