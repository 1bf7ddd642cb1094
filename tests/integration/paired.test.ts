import { afterAll, describe, expect, it } from "vitest";
import { comparisonOf, deltaCells, intentDeltas, pairedGroups } from "../../lib/metrics/paired";
import { discordantCases } from "../../lib/metrics/discordant";
import { confusionMatrix, listRuns } from "../../lib/metrics/queries";
import type { RecordInput } from "../../lib/validations/record";
import { completionText, freshProject, ingest, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

/** ok: right intent, policy pass; ok-fail: right intent, policy fail; wrong: the other refund intent (policy pass); format: no analysis tag. */
type Outcome = "ok" | "wrong" | "format" | "ok-fail";
function completion(run: string, expected: string, outcome: Outcome) {
  const other = expected === "get_refund" ? "track_refund" : "get_refund";
  const text = outcome === "format" ? `<intent>${expected}</intent> reply without analysis` : completionText(outcome === "wrong" ? other : expected);
  return { run, model: `m-${run}`, text, policy: { verdict: outcome === "ok-fail" ? ("fail" as const) : ("pass" as const), judge: "test" } };
}
function record(id: string, expected: string, outcomes: Partial<Record<"a" | "b", Outcome>>): RecordInput {
  return {
    case: { id, messages: [{ role: "user", content: id }], expectedIntent: expected },
    completions: Object.entries(outcomes).map(([run, outcome]) => completion(run, expected, outcome)),
  };
}

describe("two runs on their paired cases", () => {
  it("the delta matrix and per-intent deltas count only cases both runs answered, as worked by hand", async () => {
    const project = await freshProject(TWO_INTENTS);
    await ingest(project, [
      record("c0", "get_refund", { a: "ok", b: "ok" }),
      record("c1", "get_refund", { a: "wrong", b: "ok" }),
      record("c2", "get_refund", { a: "format", b: "ok" }),
      record("c3", "get_refund", { a: "wrong", b: "wrong" }),
      record("c4", "track_refund", { a: "ok", b: "wrong" }),
      record("c5", "track_refund", { a: "ok-fail", b: "ok" }),
      record("c6", "cancel_order", { a: "ok", b: "ok" }),
      // Answered by one run only: in each run's confusion matrix, never in the comparison.
      record("u1", "get_refund", { a: "wrong" }),
      record("u2", "track_refund", { b: "wrong" }),
    ]);
    const [runA, runB] = await listRuns(db.pool, project.id);

    const system = await pairedGroups(db.pool, project.id, runA!.id, runB!.id, "system");
    // get_refund row: A read c0 right, c1 and c3 as track_refund, c2 a format error; B read c0-c2 right, c3 as track_refund.
    // track_refund row: A read c4 and c5 right; B read c4 as get_refund, c5 right. cancel_order: c6 right by both.
    expect(deltaCells(system)).toEqual([
      { expected: "cancel_order", predicted: "cancel_order", a: 1, b: 1 },
      { expected: "get_refund", predicted: "", a: 1, b: 0 },
      { expected: "get_refund", predicted: "get_refund", a: 1, b: 3 },
      { expected: "get_refund", predicted: "track_refund", a: 2, b: 1 },
      { expected: "track_refund", predicted: "get_refund", a: 0, b: 1 },
      { expected: "track_refund", predicted: "track_refund", a: 2, b: 1 },
    ]);
    // The whole-run matrices differ by the unpaired u1 and u2: B − A from them would be -2 and +2 here, not -1 and +1.
    const [wholeA, wholeB] = [await confusionMatrix(db.pool, project.id, runA!.id), await confusionMatrix(db.pool, project.id, runB!.id)];
    expect(wholeA.cells.get_refund!.track_refund).toBe(3);
    expect(wholeB.cells.track_refund!.get_refund).toBe(2);

    // System success on the 7 paired cases: A on c0, c4, c6; B on c0, c1, c2, c5, c6.
    expect(comparisonOf(system, "system")).toMatchObject({ paired: 7, bothSucceed: 2, onlyA: 1, onlyB: 3, bothFail: 1 });
    // McNemar exact on 1 vs 3: 2 * (1 + 4) / 16 = 0.625.
    expect(comparisonOf(system, "system").pValue).toBeCloseTo(0.625, 12);
    // Per intent: get_refund 1 → 3 of 4 (+50 points); track_refund 1 → 1 of 2; cancel_order 1 → 1 of 1; ties by id.
    expect(intentDeltas(system)).toEqual([
      { intent: "get_refund", paired: 4, successA: 1, successB: 3 },
      { intent: "cancel_order", paired: 1, successA: 1, successB: 1 },
      { intent: "track_refund", paired: 2, successA: 1, successB: 1 },
    ]);

    // Intent success: track_refund 2 → 1 of 2 (c4 lost), so it sorts last.
    const intent = await pairedGroups(db.pool, project.id, runA!.id, runB!.id, "intent");
    expect(intentDeltas(intent)).toEqual([
      { intent: "get_refund", paired: 4, successA: 1, successB: 3 },
      { intent: "cancel_order", paired: 1, successA: 1, successB: 1 },
      { intent: "track_refund", paired: 2, successA: 2, successB: 1 },
    ]);
    // The matrix does not depend on what success means.
    expect(deltaCells(intent)).toEqual(deltaCells(system));

    // Policy success (a wrong intent still passed its imported verdict; the format error failed):
    // get_refund 3 → 4 of 4 (+25 points), track_refund 1 → 2 of 2 (+50), cancel_order 1 → 1.
    const policy = await pairedGroups(db.pool, project.id, runA!.id, runB!.id, "policy");
    expect(intentDeltas(policy)).toEqual([
      { intent: "track_refund", paired: 2, successA: 1, successB: 2 },
      { intent: "get_refund", paired: 4, successA: 3, successB: 4 },
      { intent: "cancel_order", paired: 1, successA: 1, successB: 1 },
    ]);
    expect(comparisonOf(policy, "policy")).toMatchObject({ paired: 7, bothSucceed: 5, onlyA: 0, onlyB: 2, bothFail: 0 });

    // The discordant cases by name, in external-id order: only A succeeds on c4; only B on c1, c2, c5 (limit 2: the first two).
    expect((await discordantCases(db.pool, project.id, runA!.id, runB!.id, "system", "onlyA")).map((c) => c.externalId)).toEqual(["c4"]);
    expect((await discordantCases(db.pool, project.id, runA!.id, runB!.id, "system", "onlyB")).map((c) => c.externalId)).toEqual(["c1", "c2", "c5"]);
    expect((await discordantCases(db.pool, project.id, runA!.id, runB!.id, "system", "onlyB", 2)).map((c) => c.externalId)).toEqual(["c1", "c2"]);
    expect((await discordantCases(db.pool, project.id, runA!.id, runB!.id, "system", "onlyB"))[1]).toMatchObject({ expectedIntent: "get_refund", lastMessage: "c2", a: { intentVerdict: "format_error" }, b: { intentVerdict: "correct", policyVerdict: "pass" } });

    // A run against itself: every case it answered, paired with itself.
    expect(comparisonOf(await pairedGroups(db.pool, project.id, runA!.id, runA!.id, "system"), "system")).toMatchObject({ paired: 8, onlyA: 0, onlyB: 0, bothSucceed: 3 });

    // B against A is the mirror image.
    const reversed = await pairedGroups(db.pool, project.id, runB!.id, runA!.id, "system");
    expect(deltaCells(reversed)).toEqual(deltaCells(system).map((cell) => ({ ...cell, a: cell.b, b: cell.a })));
  });

  it("two runs with no case in common have nothing to compare", async () => {
    const project = await freshProject(TWO_INTENTS);
    await ingest(project, [record("x1", "get_refund", { a: "ok" }), record("x2", "get_refund", { b: "ok" })]);
    const [runA, runB] = await listRuns(db.pool, project.id);
    const groups = await pairedGroups(db.pool, project.id, runA!.id, runB!.id, "system");
    expect(groups).toEqual([]);
    expect(deltaCells(groups)).toEqual([]);
    expect(intentDeltas(groups)).toEqual([]);
    expect(comparisonOf(groups, "system")).toMatchObject({ paired: 0, bothSucceed: 0, onlyA: 0, onlyB: 0, bothFail: 0 });
  });
});
