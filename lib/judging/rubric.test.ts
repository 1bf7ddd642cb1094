import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RubricItem } from "../validations/taxonomy";
import { FORMAT_ERROR_RATIONALE, RUBRIC_JUDGE, judgeWithRubric } from "./rubric";

const fee: RubricItem = { id: "fee", description: "Mentions the $4.99 cancellation fee", mustInclude: ["$4.99"] };
const order: RubricItem = { id: "order", description: "Asks for the order number", mustInclude: ["order number", "order #"] };
const noDate: RubricItem = {
  id: "no-date",
  description: "Does not promise a refund date",
  mustNotInclude: ["tomorrow", "by Friday"],
};

describe("judgeWithRubric", () => {
  it("names the judge", () => {
    expect(RUBRIC_JUDGE).toEqual({ name: "rubric", version: "1" });
  });

  it("fails a format error with the exact rationale", () => {
    expect(judgeWithRubric(null, [fee])).toEqual({ verdict: "fail", rationale: "format error" });
    expect(judgeWithRubric(null, [])).toEqual({ verdict: "fail", rationale: FORMAT_ERROR_RATIONALE });
  });

  it("passes when there is no rubric", () => {
    expect(judgeWithRubric("anything", [])).toEqual({ verdict: "pass", rationale: "no rubric items for this intent" });
  });

  it("passes when every item is met", () => {
    const reply = "Could you confirm the ORDER NUMBER? Cancelling costs $4.99.";
    expect(judgeWithRubric(reply, [fee, order])).toEqual({ verdict: "pass", rationale: "all 2 rubric items met" });
    expect(judgeWithRubric(reply, [fee])).toEqual({ verdict: "pass", rationale: "1 rubric item met" });
  });

  it("accepts any one of the mustInclude phrases", () => {
    expect(judgeWithRubric("Is it order #A12345?", [order]).verdict).toBe("pass");
  });

  it("fails and lists each failed item", () => {
    const result = judgeWithRubric("Your refund will arrive tomorrow.", [fee, order, noDate]);
    expect(result.verdict).toBe("fail");
    expect(result.rationale).toBe(
      '3 of 3 rubric items failed: Mentions the $4.99 cancellation fee; Asks for the order number; Does not promise a refund date (found "tomorrow")',
    );
  });

  it("matches mustNotInclude case-insensitively on both sides", () => {
    expect(judgeWithRubric("You will have it BY FRIDAY.", [noDate]).verdict).toBe("fail");
    expect(judgeWithRubric("You will have it within a week.", [noDate]).verdict).toBe("pass");
  });

  it("treats phrases as plain text, not regular expressions", () => {
    const item: RubricItem = { id: "dot", description: "Says a.b", mustInclude: ["a.b"] };
    expect(judgeWithRubric("axb", [item]).verdict).toBe("fail");
    expect(judgeWithRubric("say A.B now", [item]).verdict).toBe("pass");
  });

  it("checks mustInclude and mustNotInclude of the same item", () => {
    const item: RubricItem = { id: "both", description: "Both", mustInclude: ["fee"], mustNotInclude: ["free"] };
    expect(judgeWithRubric("the fee", [item]).verdict).toBe("pass");
    expect(judgeWithRubric("the fee is free", [item]).verdict).toBe("fail");
    expect(judgeWithRubric("nothing", [item]).verdict).toBe("fail");
  });

  it("agrees with a reference implementation on arbitrary input", () => {
    const phrase = fc.stringMatching(/^[a-zA-Z$ ]{1,4}$/);
    const itemArb = fc
      .record({
        mustInclude: fc.option(fc.array(phrase, { minLength: 1, maxLength: 3 }), { nil: undefined }),
        mustNotInclude: fc.option(fc.array(phrase, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      })
      .filter((item) => item.mustInclude !== undefined || item.mustNotInclude !== undefined)
      .map((item): RubricItem => ({ id: "item", description: "item", ...item }));
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.array(itemArb, { maxLength: 4 }), (reply, rubric) => {
        const lower = reply.toLowerCase();
        const met = (item: RubricItem) =>
          (item.mustInclude?.some((p) => lower.includes(p.toLowerCase())) ?? true) &&
          !(item.mustNotInclude?.some((p) => lower.includes(p.toLowerCase())) ?? false);
        const result = judgeWithRubric(reply, rubric);
        expect(result.verdict).toBe(rubric.every(met) ? "pass" : "fail");
        expect(judgeWithRubric(reply, rubric)).toEqual(result);
      }),
    );
  });
});
