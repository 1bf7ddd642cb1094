import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaderboard, leaderboardFromCompletions } from "../../lib/metrics/queries";
import { completionText, freshProject, ingest, snapshot, TWO_INTENTS, useTestDatabase } from "./helpers";
import type { RecordInput } from "../../lib/validations/record";

const db = useTestDatabase();
afterAll(() => db.close());

function record(id: string, expectedIntent: string, completions: [run: string, text: string][], extra: Partial<RecordInput["case"]> = {}): RecordInput {
  return {
    case: { id, messages: [{ role: "user", content: `message ${id}` }], expectedIntent, ...extra },
    completions: completions.map(([run, text]) => ({ run, model: `model-${run}`, text })),
  };
}

describe("storing records", () => {
  it("stores cases and graded completions, and replays change nothing", async () => {
    const project = await freshProject(TWO_INTENTS);
    const batch = [
      record("c1", "get_refund", [["a", completionText("get_refund")], ["b", completionText("track_refund")]]),
      record("c2", "cancel_order", [["a", completionText("cancel_order", "The fee is $4.99.")], ["b", "no tags at all"]]),
    ];
    const first = await ingest(project, batch);
    expect(first.map((r) => r.status)).toEqual(["created", "created"]);
    const before = await snapshot(project.id);
    for (let i = 0; i < 3; i++) {
      const again = await ingest(project, batch);
      expect(again.map((r) => r.status)).toEqual(["unchanged", "unchanged"]);
    }
    expect(await snapshot(project.id)).toEqual(before);

    const completions = before.completions as { intent_verdict: string; predicted_intent: string | null; policy_verdict: string; reward: number }[];
    expect(completions.map((c) => c.intent_verdict).sort()).toEqual(["correct", "correct", "format_error", "wrong"]);
    const formatError = completions.find((c) => c.intent_verdict === "format_error")!;
    expect(formatError.policy_verdict).toBe("fail");
    expect(formatError.reward).toBe(-1);
  });

  it("rejects unknown expected intents and run/model clashes, storing the rest", async () => {
    const project = await freshProject(TWO_INTENTS);
    await ingest(project, [record("c0", "get_refund", [["a", completionText("get_refund")]])]);
    const results = await ingest(project, [
      record("c1", "no_such_intent", [["a", completionText("get_refund")]]),
      { ...record("c2", "get_refund", []), completions: [{ run: "a", model: "other-model", text: completionText("get_refund") }] },
      record("c3", "get_refund", [["a", completionText("mystery_intent")]]),
      record("c3", "get_refund", [["a", completionText("get_refund")]]),
    ]);
    expect(results[0]).toMatchObject({ status: "rejected", error: { path: ["case", "expectedIntent"], message: "unknown intent 'no_such_intent': add it to the taxonomy first" } });
    expect(results[1]).toMatchObject({ status: "rejected", error: { message: "run 'a' exists with model 'model-a', not 'other-model'" } });
    expect(results[2]).toMatchObject({ status: "created" });
    expect(results[3]).toMatchObject({ status: "rejected", error: { message: "case 'c3' appears twice in this batch" } });
    const { rows } = await db.pool.query("SELECT external_id FROM cases WHERE project_id = $1 ORDER BY external_id", [project.id]);
    expect(rows.map((r) => r.external_id)).toEqual(["c0", "c3"]);
    const flagged = await db.pool.query("SELECT intent_verdict, unknown_intent FROM completions WHERE project_id = $1 AND predicted_intent = 'mystery_intent'", [project.id]);
    expect(flagged.rows).toEqual([{ intent_verdict: "wrong", unknown_intent: true }]);
  });

  it("re-grades a replaced completion text and a corrected ground truth, keeping aggregates exact", async () => {
    const project = await freshProject(TWO_INTENTS);
    await ingest(project, [
      record("c1", "get_refund", [["a", completionText("track_refund")], ["b", completionText("get_refund")]]),
      { ...record("c2", "get_refund", [["a", completionText("get_refund")]]), completions: [{ run: "a", model: "model-a", text: completionText("get_refund"), policy: { verdict: "pass", judge: "external-judge" } }] },
    ]);
    let board = await leaderboard(db.pool, project.id);
    expect(board.map((r) => [r.run, r.intent.correct, r.total])).toEqual([["a", 1, 2], ["b", 1, 1]]);

    // Changed text: replaced and re-graded; the imported verdict no longer applies.
    const replaced = await ingest(project, [record("c2", "get_refund", [["a", "broken"]])]);
    expect(replaced[0]!.status).toBe("updated");
    board = await leaderboard(db.pool, project.id);
    expect(board[0]).toMatchObject({ run: "a", total: 2, intent: { correct: 0, wrong: 1, formatError: 1 } });

    // Ground truth corrected to track_refund: run a's c1 becomes correct, run b's wrong.
    await ingest(project, [record("c1", "track_refund", [])]);
    board = await leaderboard(db.pool, project.id);
    expect(board.map((r) => [r.run, r.intent.correct, r.intent.wrong])).toEqual([["a", 1, 0], ["b", 0, 1]]);
    expect(board).toEqual(await leaderboardFromCompletions(db.pool, project.id));
  });

  it("records an imported policy verdict with its judge, and a changed verdict as a new row", async () => {
    const project = await freshProject(TWO_INTENTS);
    const withVerdict = (verdict: "pass" | "fail") => ({
      case: { id: "c1", messages: [{ role: "user" as const, content: "cancel please" }], expectedIntent: "cancel_order" },
      completions: [{ run: "a", model: "m", text: completionText("cancel_order"), policy: { verdict, rationale: "checked", judge: "gpt-judge", judgeVersion: "3" } }],
    });
    await ingest(project, [withVerdict("pass")]);
    expect((await ingest(project, [withVerdict("pass")]))[0]!.status).toBe("unchanged");
    expect((await ingest(project, [withVerdict("fail")]))[0]!.status).toBe("updated");
    const { rows } = await db.pool.query("SELECT verdict, judge_name, judge_version, source, guideline_version FROM policy_verdicts WHERE project_id = $1 ORDER BY id", [project.id]);
    expect(rows).toEqual([
      { verdict: "pass", judge_name: "gpt-judge", judge_version: "3", source: "imported", guideline_version: 1 },
      { verdict: "fail", judge_name: "gpt-judge", judge_version: "3", source: "imported", guideline_version: 1 },
    ]);
    const board = await leaderboard(db.pool, project.id);
    expect(board[0]!.policy).toMatchObject({ pass: 0, fail: 1, pending: 0 });
  });
});
