/**
 * The disagreement inbox (lib/query/inbox.ts) on hand-worked cases: which are
 * listed, in which order, paged, and each case's neighbours.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCursor } from "../../lib/query/cursor";
import { inboxCursorSchema, inboxNeighbours, inboxPage } from "../../lib/query/inbox";
import type { ProjectContext } from "../../lib/projects";
import type { RecordInput } from "../../lib/validations/record";
import { completionText, freshProject, ingest, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

type Answer = ["correct" | "wrong" | "format", "pass" | "fail" | "pending"];
/** Each case's answers by run (a missing run did not answer); ground truth get_refund, "wrong" predicts track_refund. */
const CASES: Record<string, Partial<Record<"A" | "B" | "C", Answer>>> = {
  k1: { A: ["correct", "pass"], B: ["wrong", "pass"], C: ["correct", "fail"] }, // intent 1 vs 2, policy 1 vs 2, 2 intents
  k2: { A: ["correct", "pass"], B: ["correct", "fail"], C: ["correct", "fail"] }, // intent agreed, policy 1 vs 2
  k3: { A: ["correct", "pass"], B: ["correct", "pass"], C: ["correct", "pass"] }, // all agree: not listed
  k4: { A: ["wrong", "pass"], B: ["correct", "pass"] }, // intent 1 vs 1, policy agreed
  k5: { A: ["correct", "pass"], B: ["wrong", "fail"], C: ["format", "fail"] }, // intent 1 vs 2, policy 1 vs 2, 3 "intents" (a format error is one)
  k6: { A: ["correct", "pass"] }, // one run: not listed
  k7: { A: ["correct", "pending"], B: ["wrong", "pending"], C: ["wrong", "pending"] }, // intent 1 vs 2, no policy split
};

let project: ProjectContext;
let runIds: Record<string, number>;

beforeAll(async () => {
  project = await freshProject(TWO_INTENTS, "inbox");
  const records: RecordInput[] = Object.entries(CASES).map(([id, answers]) => ({
    case: { id, messages: [{ role: "user", content: `message of ${id}` }], expectedIntent: "get_refund" },
    completions: Object.entries(answers).map(([run, [intent, policy]]) => ({
      run,
      model: `model-${run}`,
      text: intent === "format" ? "no tags at all" : completionText(intent === "correct" ? "get_refund" : "track_refund"),
      ...(policy === "pending" || intent === "format" ? {} : { policy: { verdict: policy, judge: "test" } }),
    })),
  }));
  await ingest(project, records);
  const { rows } = await db.pool.query<{ id: number; name: string }>("SELECT id, name FROM runs WHERE project_id = $1", [project.id]);
  runIds = Object.fromEntries(rows.map((row) => [row.name, row.id]));
});

async function walk(runs: number[] | undefined, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let after = null;
  for (;;) {
    const page = await inboxPage(db.pool, project.id, runs, limit, after);
    pages.push(page.items.map((item) => item.caseId));
    if (page.nextCursor === null) return pages;
    after = decodeCursor(page.nextCursor, inboxCursorSchema);
  }
}

describe("disagreement inbox", () => {
  it("lists the cases the runs split on, intent splits first, then policy splits, then more predicted intents, then case order", async () => {
    const page = await inboxPage(db.pool, project.id, undefined, 50, null);
    expect(page.items.map((item) => item.caseId)).toEqual(["k5", "k1", "k4", "k7", "k2"]);
    expect(page.total).toBe(5);
    expect(page.items.map((item) => [item.intentSplit, item.policySplit, item.predictedIntents, item.runs])).toEqual([
      [1, 1, 3, 3],
      [1, 1, 2, 3],
      [1, 0, 2, 2],
      [1, 0, 2, 3],
      [0, 1, 1, 3],
    ]);
  });

  it("pages by the ranking, each case once", async () => {
    expect(await walk(undefined, 2)).toEqual([["k5", "k1"], ["k4", "k7"], ["k2"]]);
    expect(await walk(undefined, 1)).toEqual([["k5"], ["k1"], ["k4"], ["k7"], ["k2"]]);
    const later = await inboxPage(db.pool, project.id, undefined, 2, decodeCursor((await inboxPage(db.pool, project.id, undefined, 2, null)).nextCursor!, inboxCursorSchema));
    expect(later.total).toBe(5);
  });

  it("compares only the chosen runs", async () => {
    // A and C: k1 splits on policy only; k5 on intent and policy; k7 on intent; k2 on policy; k4 and k6 have one of them only.
    const page = await inboxPage(db.pool, project.id, [runIds.A!, runIds.C!], 50, null);
    expect(page.items.map((item) => item.caseId)).toEqual(["k5", "k7", "k1", "k2"]);
    expect(page.items.map((item) => [item.intentSplit, item.policySplit, item.predictedIntents])).toEqual([[1, 1, 2], [1, 0, 2], [0, 1, 1], [0, 1, 1]]);
  });

  it("over every run, the stored ranking (case_outcomes) pages as the GROUP BY over all the runs' completions does", async () => {
    const all = Object.values(runIds);
    for (const limit of [1, 2, 50]) expect(await walk(undefined, limit)).toEqual(await walk(all, limit));
    expect((await inboxPage(db.pool, project.id, undefined, 50, null)).total).toBe((await inboxPage(db.pool, project.id, all, 50, null)).total);
    for (const id of ["k1", "k2", "k3", "k5"]) expect(await inboxNeighbours(db.pool, project.id, undefined, id)).toEqual(await inboxNeighbours(db.pool, project.id, all, id));
  });

  it("gives each case's neighbours in the ranking", async () => {
    expect(await inboxNeighbours(db.pool, project.id, undefined, "k5")).toEqual({ previous: null, next: "k1", inInbox: true });
    expect(await inboxNeighbours(db.pool, project.id, undefined, "k1")).toEqual({ previous: "k5", next: "k4", inInbox: true });
    expect(await inboxNeighbours(db.pool, project.id, undefined, "k2")).toEqual({ previous: "k7", next: null, inInbox: true });
    expect(await inboxNeighbours(db.pool, project.id, undefined, "k3")).toEqual({ previous: null, next: null, inInbox: false });
  });
});
