/** `ib judge` as its own process, and the rubric judge over the demo data. */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadDemo } from "../../lib/demo/load";
import { putJudge } from "../../lib/judging/judges";
import { loadProject } from "../../lib/projects";
import { upsertIntents } from "../../lib/taxonomy/intents";
import { judgeConfigSchema } from "../../lib/validations/judging";
import { taxonomySchema, type IntentInput } from "../../lib/validations/taxonomy";
import { startChatServer, type ChatServer } from "../support/chat-server";
import { completionText, freshProject, ingest, TWO_INTENTS, useTestDatabase } from "./helpers";

process.env.IB_SECRET_KEY = "22".repeat(32);
const db = useTestDatabase();
let model: ChatServer;
beforeAll(async () => {
  model = await startChatServer(() => ({ verdict: "pass", rationale: "fine" }));
});
afterAll(async () => {
  await model.close();
  await db.close();
});

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

function ib(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, ["cli/ib.ts", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: inject("databaseUrl") } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const message = (text: string) => [{ role: "user" as const, content: text }];

describe("ib judge", () => {
  it("--stale true judges only the completions whose counted verdict is on an older guideline version", async () => {
    const project = await freshProject(TWO_INTENTS, "cli");
    const human = { verdict: "pass" as const, rationale: "", judge: "human" };
    await ingest(project, [
      { case: { id: "s1", messages: message("cancel"), expectedIntent: "cancel_order" }, completions: [{ run: "r", model: "m", text: completionText("cancel_order", "Done."), policy: human }] },
      { case: { id: "s2", messages: message("refund"), expectedIntent: "get_refund" }, completions: [{ run: "r", model: "m", text: completionText("get_refund", "Which order?"), policy: human }] },
    ]);
    await upsertIntents(project.id, taxonomySchema.parse({ intents: TWO_INTENTS.map((i): IntentInput => (i.id === "cancel_order" ? { ...i, policy: `${i.policy} Say sorry.` } : i)) }).intents);
    const result = await ib("judge", "--project", project.name, "--run", "r", "--judge", "rubric", "--stale", "true");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/: done; 1 of 1 judged/);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM policy_verdicts WHERE project_id = $1 AND judge_name = 'rubric'", [project.id]);
    expect(rows[0].n).toBe(1);
  });

  it("judges a run with the rubric judge and exits 0 when every completion has a verdict", async () => {
    const project = await freshProject(TWO_INTENTS, "cli");
    await ingest(project, [
      { case: { id: "a1", messages: message("cancel"), expectedIntent: "cancel_order" }, completions: [{ run: "r", model: "m", text: completionText("cancel_order", "Done; the $4.99 fee applies.") }] },
      { case: { id: "a2", messages: message("cancel"), expectedIntent: "cancel_order" }, completions: [{ run: "r", model: "m", text: completionText("cancel_order", "Done, free of charge.") }] },
    ]);
    const result = await ib("judge", "--project", project.name, "--run", "r", "--judge", "rubric");
    expect(result.stderr).not.toContain("no verdict");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/: done; 2 of 2 judged, 0 failed, 0 requests/);
    const { rows } = await db.pool.query(
      `SELECT cs.external_id, v.verdict, v.rationale FROM policy_verdicts v JOIN completions c ON c.project_id = v.project_id AND c.id = v.completion_id
         JOIN cases cs ON cs.project_id = c.project_id AND cs.id = c.case_id WHERE v.project_id = $1 AND v.judge_name = 'rubric' ORDER BY cs.external_id`,
      [project.id],
    );
    expect(rows).toEqual([
      { external_id: "a1", verdict: "pass", rationale: "1 rubric item met" },
      { external_id: "a2", verdict: "fail", rationale: "1 of 1 rubric item failed: must mention the $4.99 fee" },
    ]);
    const again = await ib("judge", "--project", project.name, "--run", "r", "--judge", "rubric");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: done; 0 of 0 judged/);
  });

  it("exits 1 naming the completions the judge could not judge", async () => {
    const project = await freshProject(TWO_INTENTS, "cli");
    await ingest(project, [
      { case: { id: "good", messages: message("x"), expectedIntent: "get_refund" }, completions: [{ run: "r", model: "m", text: completionText("get_refund", "Your order number?") }] },
      { case: { id: "broken", messages: message("y"), expectedIntent: "get_refund" }, completions: [{ run: "r", model: "m", text: completionText("get_refund", "BROKEN") }] },
    ]);
    await putJudge(project.id, "loop", judgeConfigSchema.parse({ kind: "openai", baseUrl: model.url, model: "m", apiKey: "sk-x" }));
    model.setScript((request) => (request.body.messages[0]!.content.includes("BROKEN") ? { status: 400 } : { verdict: "pass", rationale: "fine" }));
    const result = await ib("judge", "--project", project.name, "--run", "r", "--judge", "loop");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no verdict: case "broken" run "r": not retried: HTTP 400');
    expect(result.stderr).toContain("1 completions in scope have no verdict of 'loop'");
    expect(result.stderr).not.toContain('case "good"');
  });

  it("says what is wrong with its arguments", async () => {
    expect((await ib("judge", "--project", "nope-" + randomBytes(3).toString("hex"), "--run", "r", "--judge", "rubric")).stderr).toMatch(/does not exist/);
    const project = await freshProject(TWO_INTENTS, "cli");
    const noRun = await ib("judge", "--project", project.name, "--judge", "rubric");
    expect(noRun).toMatchObject({ code: 2 });
    expect(noRun.stderr).toContain("--run is required");
    expect((await ib("judge", "--project", project.name, "--run", "r", "--judge", "rubric")).stderr).toContain("no run 'r' in this project");
    expect((await ib("judge", "--project", project.name, "--run", "r", "--judge", "rubric", "--intentVerdict", "maybe")).stderr).toMatch(/--intentVerdict/);
  });
});

describe("the rubric judge on the demo data", () => {
  it("reproduces every built-in demo verdict and rationale, and leaves the counted verdicts as they were", async () => {
    const name = `demo-${randomBytes(4).toString("hex")}`;
    await loadDemo({ cases: 400, project: name });
    const project = (await loadProject(db.pool, name))!;
    const before = await db.pool.query("SELECT id, policy_verdict FROM completions WHERE project_id = $1 ORDER BY id", [project.id]);
    const runs = await db.pool.query<{ name: string }>("SELECT name FROM runs WHERE project_id = $1 ORDER BY name", [project.id]);
    const result = await ib("judge", "--project", name, ...runs.rows.flatMap((r) => ["--run", r.name]), "--judge", "rubric");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/done; 1,200 of 1,200 judged/);
    // Each completion: the demo's own verdict (imported with the records; the grader's for format errors) against the rubric judge's.
    const { rows } = await db.pool.query<{ id: string; demo: string; demo_rationale: string; judged: string; judged_rationale: string }>(
      `SELECT c.id, d.verdict AS demo, d.rationale AS demo_rationale, j.verdict AS judged, j.rationale AS judged_rationale
         FROM completions c
         JOIN LATERAL (SELECT verdict, rationale FROM policy_verdicts v WHERE v.project_id = c.project_id AND v.completion_id = c.id AND v.cache_key IS NULL ORDER BY v.id DESC LIMIT 1) d ON true
         JOIN LATERAL (SELECT verdict, rationale FROM policy_verdicts v WHERE v.project_id = c.project_id AND v.completion_id = c.id AND v.judge_name = 'rubric' AND v.source = 'judged') j ON true
        WHERE c.project_id = $1`,
      [project.id],
    );
    expect(rows).toHaveLength(1200);
    const differing = rows.filter((r) => r.demo !== r.judged || r.demo_rationale !== r.judged_rationale);
    expect(differing).toEqual([]);
    expect(rows.some((r) => r.judged === "fail" && r.judged_rationale.includes("rubric item"))).toBe(true);
    expect(rows.some((r) => r.judged_rationale === "format error")).toBe(true);
    const after = await db.pool.query("SELECT id, policy_verdict FROM completions WHERE project_id = $1 ORDER BY id", [project.id]);
    expect(after.rows).toEqual(before.rows);
  });
});
