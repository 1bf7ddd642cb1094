import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import frozen from "../../tests/fixtures/demo-rubric-verdicts.json";
import { DEMO_INTENTS, generateDemoRecords } from "../demo/generate";
import { gradeIntent } from "../grading/intent";
import { rubricItemSchema, taxonomySchema, type RubricItem } from "../validations/taxonomy";
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

describe("mustAskFor", () => {
  const askOrder: RubricItem = { id: "ask", description: "Asks for the order number", mustAskFor: ["order number"] };

  it("passes only when a question contains the phrase", () => {
    expect(judgeWithRubric("Could you send me your ORDER NUMBER? Thanks.", [askOrder]).verdict).toBe("pass");
    expect(judgeWithRubric("Thanks!\nWhat is the order number?", [askOrder]).verdict).toBe("pass");
  });

  it("fails a statement that merely mentions it, naming the item", () => {
    expect(judgeWithRubric("Your order number is on the receipt. Anything else?", [askOrder])).toEqual({
      verdict: "fail",
      rationale: "1 of 1 rubric item failed: Asks for the order number",
    });
  });

  it("does not split a sentence at a decimal point", () => {
    const item: RubricItem = { id: "fee", description: "Asks about the fee", mustAskFor: ["$4.99 fee"] };
    expect(judgeWithRubric("Is the $4.99 fee fine?", [item]).verdict).toBe("pass");
  });
});

describe("regular expression items", () => {
  const orderId: RubricItem = { id: "id", description: "Quotes an order id", match: "regex", mustInclude: ["\\b[a-z]\\d{5}\\b"] };
  const noDate: RubricItem = { id: "date", description: "No weekday promise", match: "regex", mustNotInclude: ["by (mon|tues|wednes|thurs|fri)day"] };

  it("matches case-insensitively", () => {
    expect(judgeWithRubric("Order C74731 is on its way.", [orderId]).verdict).toBe("pass");
    expect(judgeWithRubric("Order 74731 is on its way.", [orderId]).verdict).toBe("fail");
  });

  it("quotes what a forbidden pattern matched", () => {
    expect(judgeWithRubric("It arrives BY FRIDAY.", [noDate])).toEqual({
      verdict: "fail",
      rationale: '1 of 1 rubric item failed: No weekday promise (found "by friday")',
    });
  });

  it("refuses patterns that are too long, do not compile, or nest quantifiers", () => {
    const item = (pattern: string) => rubricItemSchema.safeParse({ id: "x", description: "x", match: "regex", mustInclude: [pattern] });
    expect(item("a{201}").success).toBe(true);
    expect(item("a".repeat(201)).success).toBe(false);
    expect(item("(unclosed").error?.issues[0]?.message).toMatch(/^pattern does not compile/);
    expect(item("(a+)+$").error?.issues[0]?.message).toBe("pattern repeats a repeated group (slow on some inputs)");
    expect(item("(x*)*").success).toBe(false);
    expect(item("(a|b){2,}").success).toBe(true);
    expect(item("(a)\\1").success).toBe(false);
    // The same text as a literal phrase is fine: it is never compiled.
    expect(rubricItemSchema.safeParse({ id: "x", description: "x", mustInclude: ["(a+)+$"] }).success).toBe(true);
  });

  it("fails an unsafe pattern that reached the judge instead of running it", () => {
    const bad: RubricItem = { id: "bad", description: "Bad", match: "regex", mustInclude: ["(a+)+$"] };
    expect(judgeWithRubric("a".repeat(40) + "!", [bad]).verdict).toBe("fail");
  });
});

describe("the demo's verdicts", () => {
  it("are reproduced exactly, against the predicted intent's rubric (frozen in tests/fixtures/demo-rubric-verdicts.json)", () => {
    const { intents } = taxonomySchema.parse({ intents: DEMO_INTENTS });
    const rubrics = new Map(intents.map((intent) => [intent.id, intent.rubric]));
    const taxonomy = new Set(intents.map((intent) => intent.id));
    const lines: string[] = [];
    for (const record of generateDemoRecords({ cases: frozen.cases })) {
      for (const completion of record.completions) {
        const grade = gradeIntent(completion.text, record.case.expectedIntent, { taxonomy });
        const reply = grade.verdict === "format_error" ? null : grade.reply;
        const judged = judgeWithRubric(reply, rubrics.get(grade.predictedIntent ?? "") ?? []);
        lines.push(`${record.case.id}\t${completion.run}\t${judged.verdict}\t${judged.rationale}`);
      }
    }
    lines.sort();
    expect(lines.filter((line) => line.includes("fail")).slice(0, 5)).toEqual(frozen.sample);
    expect(createHash("sha256").update(lines.join("\n")).digest("hex")).toBe(frozen.sha256);
  });
});
