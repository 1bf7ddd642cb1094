import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { compareRuns, confusionMatrix, leaderboard, leaderboardFromCompletions, listRuns } from "../../lib/metrics/queries";
import type { RecordInput } from "../../lib/validations/record";
import { completionText, freshProject, ingest, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

type Outcome = "ok" | "wrong" | "format" | "ok-fail";
/** A completion for `expected` with a given outcome, and an imported verdict (pass unless ok-fail). */
function completion(run: string, expected: string, outcome: Outcome) {
  const other = expected === "get_refund" ? "track_refund" : "get_refund";
  const text = outcome === "format" ? `<intent>${expected}</intent> reply without analysis` : completionText(outcome === "wrong" ? other : expected);
  return { run, model: `m-${run}`, text, policy: { verdict: outcome === "ok-fail" ? ("fail" as const) : ("pass" as const), judge: "test" } };
}
function record(id: string, expected: string, outcomes: Record<string, Outcome>): RecordInput {
  return {
    case: { id, messages: [{ role: "user", content: id }], expectedIntent: expected },
    completions: Object.entries(outcomes).map(([run, outcome]) => completion(run, expected, outcome)),
  };
}

describe("metrics over a hand-made dataset", () => {
  it("matches figures computed by hand", async () => {
    const project = await freshProject(TWO_INTENTS);
    // Run A on 10 cases: 6 ok, 1 ok-but-policy-fail, 2 wrong, 1 format error.
    // Run B on the same cases: 9 ok, 1 wrong.
    const plan: [string, Outcome, Outcome][] = [
      ["get_refund", "ok", "ok"], ["get_refund", "ok", "ok"], ["get_refund", "wrong", "ok"], ["get_refund", "wrong", "wrong"],
      ["get_refund", "format", "ok"], ["track_refund", "ok", "ok"], ["track_refund", "ok", "ok"], ["track_refund", "ok-fail", "ok"],
      ["cancel_order", "ok", "ok"], ["cancel_order", "ok", "ok"],
    ];
    await ingest(project, plan.map(([intent, a, b], i) => record(`c${i}`, intent, { a, b })));
    const board = await leaderboard(db.pool, project.id);
    const a = board.find((r) => r.run === "a")!;
    // Intent: 7 correct of 10 (6 ok + 1 ok-fail), 2 wrong, 1 format error.
    expect(a.intent).toMatchObject({ correct: 7, wrong: 2, formatError: 1, accuracy: 0.7 });
    // Wilson 7/10, z = 1.959964, z² = 3.841459: centre (0.7 + z²/20)/(1 + z²/10) = 0.892073/1.384146 = 0.644490,
    // half-width z·sqrt(0.7·0.3/10 + z²/400)/(1 + z²/10) = 1.959964·0.174939/1.384146 = 0.247715.
    expect(a.intent.ci95![0]).toBeCloseTo(0.396775, 5);
    expect(a.intent.ci95![1]).toBeCloseTo(0.892205, 5);
    // Policy: the format error fails (whatever was imported): 8 pass, 2 fail -> 0.8.
    expect(a.policy).toMatchObject({ pass: 8, fail: 2, pending: 0, accuracy: 0.8 });
    // System: intent correct and policy pass: the 6 "ok" -> 0.6; product reference 0.7 x 0.8 = 0.56.
    expect(a.system).toMatchObject({ success: 6, accuracy: 0.6 });
    expect(a.productReference).toBeCloseTo(0.56, 12);
    // Per intent for run A: get_refund 2/5 correct, track_refund 3/3 correct but 2/3 system.
    const perIntent = Object.fromEntries(a.perIntent.map((p) => [p.id, p]));
    expect(perIntent.get_refund).toMatchObject({ total: 5, intent: { correct: 2, formatError: 1 }, system: { success: 2 } });
    expect(perIntent.track_refund).toMatchObject({ total: 3, intent: { correct: 3 }, policy: { pass: 2, fail: 1 }, system: { success: 2 } });
    expect(perIntent.cancel_order).toMatchObject({ total: 2, system: { success: 2, accuracy: 1 } });
    expect(board).toEqual(await leaderboardFromCompletions(db.pool, project.id));

    // Confusion for run A: get_refund row has 2 correct, 2 read as track_refund, 1 format error.
    const [runA, runB] = await listRuns(db.pool, project.id);
    const matrix = await confusionMatrix(db.pool, project.id, runA!.id);
    expect(matrix.cells.get_refund).toEqual({ get_refund: 2, track_refund: 2 });
    expect(matrix.formatErrors).toEqual({ get_refund: 1 });
    expect(matrix.cells.track_refund).toEqual({ track_refund: 3 });

    // Comparison on system success: B succeeds where A fails on c2, c4, c7 (3); never the reverse;
    // c3 fails for both. McNemar exact: 2 * P(X <= 0 | n = 3) = 2/8 = 0.25.
    const comparison = await compareRuns(db.pool, project.id, runA!.id, runB!.id, "system");
    expect(comparison).toMatchObject({ paired: 10, onlyA: 0, onlyB: 3, bothSucceed: 6, bothFail: 1 });
    expect(comparison.pValue).toBeCloseTo(0.25, 12);
  });
});

describe("aggregates stay exact", () => {
  it("after any sequence of inserts, replacements, verdict changes, ground-truth corrections and deletions", async () => {
    const intents = ["get_refund", "track_refund", "cancel_order"];
    const outcome = fc.constantFrom<Outcome>("ok", "wrong", "format", "ok-fail");
    const step = fc.record({
      caseNo: fc.integer({ min: 0, max: 7 }),
      intent: fc.constantFrom(...intents),
      a: fc.option(outcome, { nil: undefined }),
      b: fc.option(outcome, { nil: undefined }),
      remove: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(step, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), async (batches) => {
        const project = await freshProject(TWO_INTENTS);
        for (const batch of batches) {
          const seen = new Set<number>();
          const records = batch.filter((s) => !seen.has(s.caseNo) && seen.add(s.caseNo)).map((s) => {
            const outcomes: Record<string, Outcome> = {};
            if (s.a) outcomes.a = s.a;
            if (s.b) outcomes.b = s.b;
            return { step: s, record: record(`c${s.caseNo}`, s.intent, outcomes) };
          });
          await ingest(project, records.map((r) => r.record));
          const removed = records.filter((r) => r.step.remove).map((r) => r.record.case.id);
          if (removed.length > 0) await db.pool.query("DELETE FROM cases WHERE project_id = $1 AND external_id = ANY($2)", [project.id, removed]);
        }
        expect(await leaderboard(db.pool, project.id)).toEqual(await leaderboardFromCompletions(db.pool, project.id));
        const confusion = await db.pool.query(
          `SELECT run_id, expected_intent, predicted, n FROM run_confusion WHERE project_id = $1 AND n <> 0 ORDER BY 1, 2, 3`, [project.id]);
        const direct = await db.pool.query(
          `SELECT run_id, expected_intent, CASE WHEN intent_verdict = 'format_error' THEN '' ELSE predicted_intent END AS predicted, count(*) AS n
             FROM completions WHERE project_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, [project.id]);
        expect(confusion.rows).toEqual(direct.rows);
      }),
      { numRuns: 25 },
    );
  });
});
