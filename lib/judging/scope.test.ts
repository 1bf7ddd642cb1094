import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RubricItem } from "../validations/taxonomy";
import { judgeInputKey, type JudgeTarget } from "./scope";

const base: JudgeTarget = { id: 1, caseExternalId: "c1", run: "a", reply: "Done.", predictedIntent: "cancel_order", messages: [{ role: "user", content: "hi" }], guideline: { version: 1, policy: "p", rubric: [], label: "Cancel" } };

/** The key as documented: sha256 of the JSON array [judge name, judge version, ...what the judge sees]. */
function documentedKey(judge: { name: string; version: string }, t: JudgeTarget): string {
  const input = t.reply === null ? ["format_error"] : t.guideline === null ? ["unknown_intent", t.predictedIntent] : [t.predictedIntent, t.guideline.version, t.messages, t.reply];
  return createHash("sha256").update(JSON.stringify([judge.name, judge.version, ...input])).digest("hex");
}

describe("judgeInputKey", () => {
  it("is the sha256 of the documented JSON (hashes worked out with sha256sum)", () => {
    expect(judgeInputKey({ name: "rubric", version: "1" }, base)).toBe("8d636fcb67fa515502bac9bcb386962592c2b382538fa5aebf4140d034a138f6");
    expect(judgeInputKey({ name: "rubric", version: "1" }, { ...base, reply: null })).toBe("a619334fec6542954dfd607c351d253231bdbf6b13d1e9e41e7a3ef64a049f60");
    expect(judgeInputKey({ name: "llm", version: "3" }, { ...base, predictedIntent: "say_hello", guideline: null })).toBe("94f13344c7e3ebd74a9f53019588e8c96d52ef6d757d4c5db13825c5d32e8add");
  });

  it("equals the documented key for any input (keys already stored stay valid)", () => {
    const text = fc.string({ unit: "grapheme", maxLength: 40 });
    const target = fc.record({
      reply: fc.option(text, { nil: null }),
      predictedIntent: fc.option(text, { nil: null }),
      messages: fc.array(fc.record({ role: fc.constantFrom("user", "assistant", "system"), content: text }), { maxLength: 4 }),
      guideline: fc.option(fc.record({ version: fc.integer({ min: 1, max: 1000 }), policy: text, rubric: fc.constant<RubricItem[]>([]), label: text }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.record({ name: text, version: text }), target, (judge, t) => {
        const full = { ...base, ...t };
        expect(judgeInputKey(judge, full)).toBe(documentedKey(judge, full));
      }),
      { numRuns: 500 },
    );
  });
});
