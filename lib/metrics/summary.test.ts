import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCounts,
  assertConsistentCounts,
  type OutcomeCounts,
  summarize,
  summarizeByIntent,
  sumCounts,
  ZERO_COUNTS,
} from "./summary";

// Wilson hand computations use (2s + z² ± z·√(z² + 4s(n−s)/n)) / (2(n + z²)),
// z = 1.959963984540054, z² = 3.841458820694125.

/** 810 completions: 656 correct, 130 wrong, 24 format errors; 700 pass, 81 fail, 29 pending; 600 both. */
const RUN: OutcomeCounts = {
  total: 810,
  correct: 656,
  wrong: 130,
  formatError: 24,
  policyPass: 700,
  policyFail: 81,
  policyPending: 29,
  systemSuccess: 600,
};

function expectClose(actual: number | null | undefined, expected: number, tolerance = 1e-12): void {
  expect(actual).not.toBeNull();
  expect(actual).not.toBeUndefined();
  expect(Math.abs((actual as number) - expected)).toBeLessThan(tolerance);
}

describe("summarize", () => {
  it("worked example with 810 completions", () => {
    const s = summarize(RUN);
    expect(s.total).toBe(810);
    expect(s.intent).toMatchObject({ correct: 656, wrong: 130, formatError: 24 });
    expect(s.policy).toMatchObject({ pass: 700, fail: 81, pending: 29 });
    expect(s.system).toMatchObject({ success: 600 });

    // intent: 656 / 810 = 0.809876543210 (the 24 format errors count as not correct)
    expectClose(s.intent.accuracy, 0.8098765432098765);
    // 4·656·154/810 = 498.883950617284; √(z² + that) = 22.421538962301; × z = 43.945408844071
    // (1312 + z² ∓ 43.945408844071) / 1627.682917641388 = 0.781415124648, 0.835412630388
    expectClose(s.intent.ci95?.[0], 0.7814151246482808);
    expectClose(s.intent.ci95?.[1], 0.8354126303882205);

    // policy: 700 / (700 + 81) = 700 / 781 = 0.896286811780 (29 pending left out)
    expectClose(s.policy.accuracy, 0.8962868117797695);
    // 4·700·81/781 = 290.396927016645; √(z² + that) = 17.153378263110; × z = 33.620003608888
    // (1400 + z² ∓ 33.620003608888) / (2(781 + z²) = 1569.682917641388) = 0.872928818816, 0.915765500328
    expectClose(s.policy.ci95?.[0], 0.8729288188156537);
    expectClose(s.policy.ci95?.[1], 0.9157655003276187);

    // system: 600 / 810 = 0.740740740741, measured jointly
    expectClose(s.system.accuracy, 0.7407407407407407);
    // 4·600·210/810 = 622.222222222222; √(z² + that) = 25.021264577213; × z = 49.040777418986
    // (1200 + z² ∓ 49.040777418986) / 1627.682917641388 = 0.709475210980, 0.769733602694
    expectClose(s.system.ci95?.[0], 0.7094752109797187);
    expectClose(s.system.ci95?.[1], 0.7697336026940573);

    // product reference: (656/810)·(700/781) = 459200/632610 = 0.725881664849, not the system figure 0.7407
    expectClose(s.productReference, 0.7258816648488010);
    expect(s.productReference).not.toBeCloseTo(s.system.accuracy as number, 2);
  });

  it("total = 0 gives nulls everywhere", () => {
    const s = summarize(ZERO_COUNTS);
    expect(s).toEqual({
      total: 0,
      intent: { correct: 0, wrong: 0, formatError: 0, accuracy: null, ci95: null },
      policy: { pass: 0, fail: 0, pending: 0, accuracy: null, ci95: null },
      system: { success: 0, accuracy: null, ci95: null },
      productReference: null,
    });
  });

  it("pass + fail = 0 (all pending) gives a null policy figure and product, but intent and system stand", () => {
    const s = summarize({
      total: 10,
      correct: 9,
      wrong: 0,
      formatError: 1,
      policyPass: 0,
      policyFail: 0,
      policyPending: 10,
      systemSuccess: 0,
    });
    expect(s.policy).toEqual({ pass: 0, fail: 0, pending: 10, accuracy: null, ci95: null });
    expect(s.productReference).toBeNull();
    // intent: 9/10 = 0.9; 4·9·1/10 = 3.6; √(z² + 3.6) = 2.727903; × z = 5.346592
    // (18 + z² ∓ 5.346592) / 27.682918 = 0.595850, 0.982124
    expect(s.intent.accuracy).toBe(0.9);
    expectClose(s.intent.ci95?.[0], 0.5958499732047616, 1e-9);
    expectClose(s.intent.ci95?.[1], 0.9821237869049271, 1e-9);
    // system: 0/10 → 0, interval [0, z²/(10 + z²)] = [0, 0.277532799863]
    expect(s.system.accuracy).toBe(0);
    expect(s.system.ci95?.[0]).toBe(0);
    expectClose(s.system.ci95?.[1], 0.2775327998628892);
  });

  it("format errors lower intent accuracy; pending does not touch policy accuracy", () => {
    // 4 completions: 2 correct, 2 format errors; policy 1 pass, 1 fail, 2 pending; 1 both
    const s = summarize({
      total: 4,
      correct: 2,
      wrong: 0,
      formatError: 2,
      policyPass: 1,
      policyFail: 1,
      policyPending: 2,
      systemSuccess: 1,
    });
    expect(s.intent.accuracy).toBe(0.5); // 2/4
    expect(s.policy.accuracy).toBe(0.5); // 1/(1+1)
    expect(s.system.accuracy).toBe(0.25); // 1/4
    expect(s.productReference).toBe(0.25); // 0.5·0.5
  });

  it("property: matches per-completion tallies", () => {
    const completion = fc.record({
      intent: fc.constantFrom("correct", "wrong", "formatError"),
      policy: fc.constantFrom("pass", "fail", "pending"),
    });
    fc.assert(
      fc.property(fc.array(completion, { maxLength: 300 }), (completions) => {
        const counts = sumCounts(completions.map(tally));
        const s = summarize(counts);
        const n = completions.length;
        const correct = completions.filter((c) => c.intent === "correct").length;
        const pass = completions.filter((c) => c.policy === "pass").length;
        const judged = completions.filter((c) => c.policy !== "pending").length;
        const both = completions.filter((c) => c.intent === "correct" && c.policy === "pass").length;
        expect(s.total).toBe(n);
        expect(s.intent.accuracy).toBe(n === 0 ? null : correct / n);
        expect(s.policy.accuracy).toBe(judged === 0 ? null : pass / judged);
        expect(s.system.accuracy).toBe(n === 0 ? null : both / n);
        // The Wilson score interval written out here, not the library's function that summarize calls.
        if (n === 0) expect(s.system.ci95).toBeNull();
        else {
          const z = 1.959963984540054;
          const p = both / n;
          const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
          const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
          expect(s.system.ci95![0]).toBeCloseTo(Math.max(0, centre - half), 12);
          expect(s.system.ci95![1]).toBeCloseTo(Math.min(1, centre + half), 12);
        }
      }),
    );
  });
});

function tally(c: { intent: "correct" | "wrong" | "formatError"; policy: "pass" | "fail" | "pending" }): OutcomeCounts {
  return {
    total: 1,
    correct: c.intent === "correct" ? 1 : 0,
    wrong: c.intent === "wrong" ? 1 : 0,
    formatError: c.intent === "formatError" ? 1 : 0,
    policyPass: c.policy === "pass" ? 1 : 0,
    policyFail: c.policy === "fail" ? 1 : 0,
    policyPending: c.policy === "pending" ? 1 : 0,
    systemSuccess: c.intent === "correct" && c.policy === "pass" ? 1 : 0,
  };
}

describe("assertConsistentCounts", () => {
  it("accepts consistent counts", () => {
    expect(() => assertConsistentCounts(RUN)).not.toThrow();
    expect(() => assertConsistentCounts(ZERO_COUNTS)).not.toThrow();
  });

  it.each<[string, Partial<OutcomeCounts>, RegExp]>([
    ["intent counts do not add up", { wrong: 131 }, /correct \+ wrong \+ formatError = total/],
    ["policy counts do not add up", { policyPending: 28 }, /policyPass \+ policyFail \+ policyPending = total/],
    ["system above intent correct", { correct: 590, wrong: 196 }, /systemSuccess <= min\(correct, policyPass\)/],
    ["system above policy pass", { policyPass: 599, policyFail: 182 }, /systemSuccess <= min\(correct, policyPass\)/],
    // 656 correct and 700 pass among 810 overlap in at least 656 + 700 − 810 = 546
    ["system below the overlap floor", { systemSuccess: 545 }, /systemSuccess >= correct \+ policyPass - total/],
    ["negative count", { formatError: -1, wrong: 155 }, /formatError must be a non-negative integer/],
    ["fractional count", { systemSuccess: 600.5 }, /systemSuccess must be a non-negative integer/],
    ["NaN total", { total: Number.NaN }, /total must be a non-negative integer/],
  ])("throws when %s", (_name, change, message) => {
    const broken = { ...RUN, ...change };
    expect(() => assertConsistentCounts(broken)).toThrow(message);
    expect(() => summarize(broken)).toThrow(message);
  });
});

describe("addCounts, sumCounts, ZERO_COUNTS", () => {
  it("adds field by field, with ZERO_COUNTS as identity", () => {
    expect(addCounts(RUN, ZERO_COUNTS)).toEqual(RUN);
    expect(addCounts(RUN, RUN)).toEqual({
      total: 1620,
      correct: 1312,
      wrong: 260,
      formatError: 48,
      policyPass: 1400,
      policyFail: 162,
      policyPending: 58,
      systemSuccess: 1200,
    });
    expect(sumCounts([])).toEqual(ZERO_COUNTS);
    expect(Object.isFrozen(ZERO_COUNTS)).toBe(true);
  });
});

describe("summarizeByIntent", () => {
  it("gives the three figures plus support per intent, in the given order", () => {
    const cancel: OutcomeCounts = {
      total: 10,
      correct: 8,
      wrong: 1,
      formatError: 1,
      policyPass: 6,
      policyFail: 2,
      policyPending: 2,
      systemSuccess: 5,
    };
    const refund: OutcomeCounts = {
      total: 5,
      correct: 5,
      wrong: 0,
      formatError: 0,
      policyPass: 0,
      policyFail: 5,
      policyPending: 0,
      systemSuccess: 0,
    };
    const rows = summarizeByIntent(new Map([["refund", refund], ["cancel_order", cancel]]));
    expect(rows.map((r) => [r.intentId, r.support])).toEqual([["refund", 5], ["cancel_order", 10]]);
    const cancelRow = rows[1]?.summary;
    expect(cancelRow?.intent.accuracy).toBe(0.8); // 8/10
    expect(cancelRow?.policy.accuracy).toBe(0.75); // 6/(6+2)
    expect(cancelRow?.system.accuracy).toBe(0.5); // 5/10
    expect(rows[0]?.summary.policy.accuracy).toBe(0); // 0/(0+5)
    expect(summarizeByIntent({ refund })).toEqual([rows[0]]);
    // the per-intent rows add back up to the run: 15 completions, 13 correct, 6 pass, 5 both
    expect(sumCounts([cancel, refund])).toMatchObject({ total: 15, correct: 13, policyPass: 6, systemSuccess: 5 });
  });
});
