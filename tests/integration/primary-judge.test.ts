import { afterAll, describe, expect, it } from "vitest";
import { setPrimaryJudge } from "../../lib/judging/counted";
import { createJudgeJob, runJudgeJob } from "../../lib/judging/jobs";
import { leaderboard, leaderboardForJudge, leaderboardFromCompletions, verdictJudges } from "../../lib/metrics/queries";
import { caseDetail } from "../../lib/query/cases";
import { countCases, listCaseRows } from "../../lib/query/case-rows";
import { countCompletions, listCompletions } from "../../lib/query/completions";
import { facetCounts } from "../../lib/query/facets";
import { upsertIntents } from "../../lib/taxonomy/intents";
import { completionListQuerySchema, completionFilterSchema } from "../../lib/validations/filters";
import { taxonomySchema, type IntentInput } from "../../lib/validations/taxonomy";
import type { ProjectContext } from "../../lib/projects";
import { completionText, freshProject, ingest, reloadProject, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

const message = (text: string) => [{ role: "user" as const, content: text }];
const human = (verdict: "pass" | "fail") => ({ verdict, rationale: `human says ${verdict}`, judge: "human" });

/**
 * Run a, three cases. The rubric judge (cancel_order must mention "$4.99";
 * get_refund has no rubric item) passes c1 and c2 and fails c3; "human"
 * imported verdicts fail c1 and pass c2, and say nothing of c3.
 */
async function sampleProject(): Promise<ProjectContext> {
  const project = await freshProject(TWO_INTENTS, "primary");
  await ingest(project, [
    { case: { id: "c1", messages: message("money back"), expectedIntent: "get_refund" }, completions: [{ run: "a", model: "m", text: completionText("get_refund", "Please send your order number."), policy: human("fail") }] },
    { case: { id: "c2", messages: message("cancel it"), expectedIntent: "cancel_order" }, completions: [{ run: "a", model: "m", text: completionText("cancel_order", "Cancelled; the $4.99 fee applies."), policy: human("pass") }] },
    { case: { id: "c3", messages: message("cancel now"), expectedIntent: "cancel_order" }, completions: [{ run: "a", model: "m", text: completionText("cancel_order", "Cancelled.") }] },
  ]);
  return project;
}

async function rubricJob(project: ProjectContext): Promise<void> {
  const id = await createJudgeJob(db.pool, project.id, { judge: "rubric", run: ["a"] });
  expect(await runJudgeJob(db.pool, id)).toBe(true);
}

/** Each case's counted verdict, as the completions table carries it. */
async function counted(project: ProjectContext): Promise<Record<string, string>> {
  const { rows } = await db.pool.query<{ id: string; policy_verdict: string }>(
    "SELECT cs.external_id AS id, c.policy_verdict FROM completions c JOIN cases cs ON cs.project_id = c.project_id AND cs.id = c.case_id WHERE c.project_id = $1 ORDER BY 1",
    [project.id],
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.policy_verdict]));
}

/** Run a's policy counts from the aggregates, checked against a GROUP BY over the completions. */
async function policyCounts(project: ProjectContext) {
  const [fromStats, fromRows] = await Promise.all([leaderboard(db.pool, project.id), leaderboardFromCompletions(db.pool, project.id)]);
  expect(fromStats).toEqual(fromRows);
  const { pass, fail, pending } = fromStats.find((r) => r.run === "a")!.policy;
  return { pass, fail, pending };
}

describe("which policy verdict counts", () => {
  it("without a primary judge the latest verdict of any judge; with one, only its verdicts, pending where it has not judged", async () => {
    const project = await sampleProject();
    expect(await counted(project)).toEqual({ c1: "fail", c2: "pass", c3: "pending" });
    await rubricJob(project);
    expect(await counted(project)).toEqual({ c1: "pass", c2: "pass", c3: "fail" });
    expect(await policyCounts(project)).toEqual({ pass: 2, fail: 1, pending: 0 });

    expect(await setPrimaryJudge(db.pool, project.id, "human")).toBe(2); // c1 pass -> fail, c3 fail -> pending
    expect(await counted(project)).toEqual({ c1: "fail", c2: "pass", c3: "pending" });
    expect(await policyCounts(project)).toEqual({ pass: 1, fail: 1, pending: 1 });

    // Another judge's import does not count; the primary judge's does.
    await ingest(project, [{ case: { id: "c3", messages: message("cancel now"), expectedIntent: "cancel_order" }, completions: [{ run: "a", model: "m", text: completionText("cancel_order", "Cancelled."), policy: { verdict: "pass", rationale: "", judge: "other" } }] }]);
    expect((await counted(project)).c3).toBe("pending");
    await ingest(project, [{ case: { id: "c3", messages: message("cancel now"), expectedIntent: "cancel_order" }, completions: [{ run: "a", model: "m", text: completionText("cancel_order", "Cancelled."), policy: human("fail") }] }]);
    expect((await counted(project)).c3).toBe("fail");
    // A judge job of another judge stores its verdicts without changing what counts.
    const intents = taxonomySchema.parse({ intents: TWO_INTENTS.map((i): IntentInput => (i.id === "get_refund" ? { ...i, rubric: [{ id: "order", description: "asks for the order number", mustAskFor: ["order number"] }] } : i)) }).intents;
    await upsertIntents(project.id, intents);
    await rubricJob(project);
    expect(await counted(project)).toEqual({ c1: "fail", c2: "pass", c3: "fail" });

    // Back to no primary judge: the latest of any judge. c1's is the second rubric job's (the reply
    // asks no question), c2's the first rubric job's, c3's human's import, after the rubric's first job.
    await setPrimaryJudge(db.pool, project.id, null);
    expect(await counted(project)).toEqual({ c1: "fail", c2: "pass", c3: "fail" });
    expect(await policyCounts(project)).toEqual({ pass: 1, fail: 2, pending: 0 });
  });

  it("a judge's figures alone (?judge) do not depend on the primary judge; a judge with no verdicts leaves everything pending", async () => {
    const project = await sampleProject();
    await rubricJob(project);
    await setPrimaryJudge(db.pool, project.id, "human");
    const only = async (judge: string) => (await leaderboardForJudge(db.pool, project.id, judge)).find((r) => r.run === "a")!.policy;
    expect(await only("rubric")).toMatchObject({ pass: 2, fail: 1, pending: 0 });
    expect(await only("human")).toMatchObject({ pass: 1, fail: 1, pending: 1 });
    expect(await only("nobody")).toMatchObject({ pass: 0, fail: 0, pending: 3 });
    expect(await verdictJudges(db.pool, project.id)).toEqual({ names: ["human", "rubric"], primary: "human" });
  });

  it("a format error's fail counts whoever the primary judge is", async () => {
    const project = await freshProject(TWO_INTENTS, "primary");
    await ingest(project, [{ case: { id: "f1", messages: message("cancel"), expectedIntent: "cancel_order" }, completions: [{ run: "a", model: "m", text: "<intent>cancel_order</intent> no analysis" }] }]);
    await setPrimaryJudge(db.pool, project.id, "human");
    expect(await counted(project)).toEqual({ f1: "fail" });
    expect((await leaderboardForJudge(db.pool, project.id, "nobody"))[0]!.policy).toMatchObject({ fail: 1, pending: 0 });
  });

  it("verdicts given before a completion's text was replaced never count again", async () => {
    const project = await sampleProject();
    await rubricJob(project);
    await ingest(project, [{ case: { id: "c2", messages: message("cancel it"), expectedIntent: "cancel_order" }, completions: [{ run: "a", model: "m", text: completionText("cancel_order", "Done.") }] }]);
    expect((await counted(project)).c2).toBe("pending");
    await setPrimaryJudge(db.pool, project.id, "rubric");
    expect((await counted(project)).c2).toBe("pending");
    const detail = (await caseDetail(db.pool, project.id, "c2"))!;
    expect(detail.completions[0]!.policy).toEqual({ verdict: "pending" });
    expect(detail.completions[0]!.policyHistory.map((v) => [v.judge, v.superseded])).toEqual([["rubric", true], ["human", true]]);
    await rubricJob(project); // the new reply lacks the fee
    expect((await counted(project)).c2).toBe("fail");
  });

  it("the case view shows the counted verdict's details, or one judge's alone", async () => {
    const project = await sampleProject();
    await rubricJob(project);
    const policyOf = async (judge: string | null) => (await caseDetail(db.pool, project.id, "c1", judge))!.completions[0]!.policy;
    expect(await policyOf(null)).toMatchObject({ verdict: "pass", judge: "rubric" });
    await setPrimaryJudge(db.pool, project.id, "human");
    expect(await policyOf(null)).toMatchObject({ verdict: "fail", judge: "human", rationale: "human says fail" });
    expect(await policyOf("rubric")).toMatchObject({ verdict: "pass", judge: "rubric" });
    expect(await policyOf("nobody")).toEqual({ verdict: "pending" });
  });
});

describe("stale verdicts", () => {
  it("a verdict judged on an older guideline version than the one in force is stale until judged again", async () => {
    let project = await sampleProject();
    await rubricJob(project);
    const stale = async (value: boolean) => {
      const page = await listCompletions(db.pool, project.id, completionListQuerySchema.parse({ run: "a", stale: String(value) }));
      expect(await countCompletions(db.pool, project.id, completionFilterSchema.parse({ run: "a", stale: String(value) }))).toBe(page.items.length);
      return page.items.map((i) => i.caseId).sort();
    };
    expect(await stale(true)).toEqual([]);
    const intents = taxonomySchema.parse({ intents: TWO_INTENTS.map((i): IntentInput => (i.id === "cancel_order" ? { ...i, policy: "Mention the $4.99 fee twice." } : i)) }).intents;
    await upsertIntents(project.id, intents);
    project = await reloadProject(project);
    expect(await stale(true)).toEqual(["c2", "c3"]);
    expect(await stale(false)).toEqual(["c1"]);
    const page = await listCompletions(db.pool, project.id, completionListQuerySchema.parse({ run: "a" }));
    expect(Object.fromEntries(page.items.map((i) => [i.caseId, i.policyStale]))).toEqual({ c1: false, c2: true, c3: true });
    await rubricJob(project);
    expect(await stale(true)).toEqual([]);
  });
});

describe("the table with one judge's verdicts alone (judge=)", () => {
  it("reads that judge's verdicts in every policy filter, count, facet and listed verdict; without it, the counted ones", async () => {
    const project = await sampleProject();
    await rubricJob(project);
    // Counted (no primary judge: the latest of any): the rubric's c1 pass, c2 pass, c3 fail.
    // human alone: c1 fail, c2 pass, c3 pending (human never judged it).
    const listed = async (filter: Record<string, unknown>) =>
      (await listCompletions(db.pool, project.id, completionListQuerySchema.parse(filter))).items.map((item) => [item.caseId, item.policyVerdict]);
    expect(await listed({})).toEqual([["c1", "pass"], ["c2", "pass"], ["c3", "fail"]]);
    expect(await listed({ judge: "human" })).toEqual([["c1", "fail"], ["c2", "pass"], ["c3", "pending"]]);
    expect(await listed({ judge: "human", policyVerdict: "pending" })).toEqual([["c3", "pending"]]);
    expect(await listed({ judge: "rubric", policyVerdict: "fail" })).toEqual([["c3", "fail"]]);

    const count = (filter: Record<string, unknown>) => countCompletions(db.pool, project.id, completionFilterSchema.parse(filter));
    expect(await count({ policyVerdict: "fail" })).toBe(1);
    expect(await count({ judge: "human", policyVerdict: "fail" })).toBe(1);
    expect(await count({ judge: "human", policyVerdict: ["pass", "pending"] })).toBe(2);
    expect(await count({ systemSuccess: "true" })).toBe(2);
    expect(await count({ judge: "human", systemSuccess: "true" })).toBe(1);
    // No policy filter: the judge changes the verdicts shown, not which completions match.
    expect(await count({ judge: "human", run: "a" })).toBe(3);
    expect(await countCases(db.pool, project.id, completionFilterSchema.parse({ judge: "human", policyVerdict: "pending" }))).toBe(1);

    const facets = async (filter: Record<string, unknown>) => {
      const got = await facetCounts(db.pool, project.id, completionFilterSchema.parse(filter), new Map(), { timeLimitMs: 60_000 });
      return { policy: Object.fromEntries(got.policyVerdict!), system: Object.fromEntries(got.systemSuccess!), intent: Object.fromEntries(got.intentVerdict!) };
    };
    expect(await facets({})).toEqual({ policy: { pass: 2, fail: 1 }, system: { true: 2, false: 1 }, intent: { correct: 3 } });
    expect(await facets({ judge: "human" })).toEqual({ policy: { pass: 1, fail: 1, pending: 1 }, system: { true: 1, false: 2 }, intent: { correct: 3 } });
    expect(await facets({ judge: "human", policyVerdict: "fail" })).toEqual({ policy: { pass: 1, fail: 1, pending: 1 }, system: { false: 1 }, intent: { correct: 1 } });

    // Stale by the judge's own verdict: a new guideline version of cancel_order leaves the rubric's
    // verdicts on c2 and c3 behind, and human's import on c2 (imported under version 1); human never judged c3.
    const intents = taxonomySchema.parse({ intents: TWO_INTENTS.map((i): IntentInput => (i.id === "cancel_order" ? { ...i, policy: `${i.policy} (reviewed)` } : i)) }).intents;
    await upsertIntents(project.id, intents);
    expect(await listed({ judge: "rubric", stale: "true" })).toEqual([["c2", "pass"], ["c3", "fail"]]);
    expect(await listed({ judge: "human", stale: "true" })).toEqual([["c2", "pass"]]);
    expect(await listed({ stale: "true" })).toEqual([["c2", "pass"], ["c3", "fail"]]);

    // One row per case: the verdict cells are the judge's too.
    const rows = await listCaseRows(db.pool, project.id, { filter: completionFilterSchema.parse({ judge: "human" }), limit: 10, sort: "id", after: null }, ["a"]);
    expect(rows.items.map((row) => [row.caseId, row.verdicts.a!.policyVerdict])).toEqual([["c1", "fail"], ["c2", "pass"], ["c3", "pending"]]);
  });

  it("an agreement over the project's one run reads the judge's verdicts too (a condition on each completion, run filter or not)", async () => {
    const project = await sampleProject();
    await rubricJob(project);
    // Counted: c1 pass, c2 pass, c3 fail; human alone: c1 fail, c2 pass, c3 pending (a pending verdict does not succeed).
    const count = (filter: Record<string, unknown>) => countCompletions(db.pool, project.id, completionFilterSchema.parse(filter));
    expect(await count({ agreement: "allSucceed", success: "policy" })).toBe(2);
    expect(await count({ judge: "human", agreement: "allSucceed", success: "policy" })).toBe(1);
    expect(await count({ judge: "human", agreement: "allFail" })).toBe(2);
    expect(await count({ judge: "human", run: "a", agreement: "allFail", success: "policy", policyVerdict: ["pending", "pass"] })).toBe(1);
    expect(await count({ judge: "human", agreement: "disagree" })).toBe(0);
    expect(await count({ judge: "human", agreement: "paired" })).toBe(3);
    expect(await countCases(db.pool, project.id, completionFilterSchema.parse({ judge: "human", agreement: "allFail" }))).toBe(2);
    expect(await countCases(db.pool, project.id, completionFilterSchema.parse({ agreement: "allFail" }))).toBe(1);

    const listed = async (filter: Record<string, unknown>) =>
      (await listCompletions(db.pool, project.id, completionListQuerySchema.parse(filter))).items.map((item) => [item.caseId, item.policyVerdict]);
    expect(await listed({ judge: "human", run: "a", agreement: "allFail", success: "policy" })).toEqual([["c1", "fail"], ["c3", "pending"]]);
    expect(await listed({ agreement: "allFail", success: "policy" })).toEqual([["c3", "fail"]]);

    const facets = async (filter: Record<string, unknown>) => {
      const got = await facetCounts(db.pool, project.id, completionFilterSchema.parse(filter), new Map(), { timeLimitMs: 60_000 });
      return { policy: Object.fromEntries(got.policyVerdict!), system: Object.fromEntries(got.systemSuccess!), intent: Object.fromEntries(got.intentVerdict!) };
    };
    expect(await facets({ judge: "human", agreement: "allFail" })).toEqual({ policy: { fail: 1, pending: 1 }, system: { false: 2 }, intent: { correct: 2 } });
    expect(await facets({ agreement: "allFail" })).toEqual({ policy: { fail: 1 }, system: { false: 1 }, intent: { correct: 1 } });
  });
});
