import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judgeJobView } from "../../lib/judging/job-view";
import { cancelJudgeJob, createJudgeJob, runJudgeJob } from "../../lib/judging/jobs";
import { putJudge, resolveJudge } from "../../lib/judging/judges";
import { countLacking, snapshotNow } from "../../lib/judging/scope";
import type { RetryPolicy } from "../../lib/judging/llm";
import { upsertIntents } from "../../lib/taxonomy/intents";
import { completionFilterSchema } from "../../lib/validations/filters";
import { judgeConfigSchema } from "../../lib/validations/judging";
import { taxonomySchema, type IntentInput } from "../../lib/validations/taxonomy";
import type { ProjectContext } from "../../lib/projects";
import { startChatServer, type ChatServer } from "../support/chat-server";
import { completionText, freshProject, ingest, TWO_INTENTS, useTestDatabase } from "./helpers";

process.env.IB_SECRET_KEY = "11".repeat(32);
const db = useTestDatabase();
const FAST: RetryPolicy = { retries: 2, minTimeoutMs: 5, maxTimeoutMs: 20, maxRetryAfterMs: 1000 };

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer(() => ({ verdict: "pass", rationale: "default" }));
});
afterAll(async () => {
  await server.close();
  await db.close();
});

/** The scripted judge: fails replies that say "refund tomorrow", passes the rest. */
function scripted() {
  server.requests.length = 0;
  server.setScript((request) => {
    const prompt = request.body.messages[0]!.content;
    if (prompt.includes("BROKEN")) return { content: "not json at all" };
    return prompt.includes("refund tomorrow") ? { verdict: "fail", rationale: "promises a date" } : { verdict: "pass", rationale: "follows the guideline" };
  });
}

async function llmJudge(project: ProjectContext, name = "llm", extra: Record<string, unknown> = {}) {
  await putJudge(project.id, name, judgeConfigSchema.parse({ kind: "openai", baseUrl: server.url, model: "judge-test", apiKey: "sk-loop-0000", concurrency: 4, ...extra }));
}

async function judgeRun(project: ProjectContext, judge: string, run: string[], extra: Record<string, unknown> = {}) {
  const id = await createJudgeJob(db.pool, project.id, { judge, run, ...extra });
  expect(await runJudgeJob(db.pool, id, { retry: FAST })).toBe(true);
  return (await judgeJobView(db.pool, project.id, id))!;
}

async function verdicts(project: ProjectContext, judge: string) {
  const { rows } = await db.pool.query<{ case: string; run: string; verdict: string; rationale: string; judge_version: string; guideline_version: number | null; current: string }>(
    `SELECT cs.external_id AS case, r.name AS run, v.verdict, v.rationale, v.judge_version, v.guideline_version, c.policy_verdict AS current
       FROM policy_verdicts v JOIN completions c ON c.project_id = v.project_id AND c.id = v.completion_id
       JOIN cases cs ON cs.project_id = c.project_id AND cs.id = c.case_id JOIN runs r ON r.id = c.run_id
      WHERE v.project_id = $1 AND v.judge_name = $2 ORDER BY cs.external_id, r.name, v.id`,
    [project.id, judge],
  );
  return rows;
}

const message = (text: string) => [{ role: "user" as const, content: text }];

/** c1: predicted cancel_order (expected get_refund: intent wrong), c2: get_refund promising a date, c3: a format error, c4: an unknown intent; run b answers c1 exactly as run a. */
async function sampleProject() {
  const project = await freshProject(TWO_INTENTS, "judge");
  await ingest(project, [
    { case: { id: "c1", messages: message("I want my money back"), expectedIntent: "get_refund" }, completions: [
      { run: "a", model: "m", text: completionText("cancel_order", "I can cancel it; the $4.99 fee applies.") },
      { run: "b", model: "m", text: completionText("cancel_order", "I can cancel it; the $4.99 fee applies.") },
    ] },
    { case: { id: "c2", messages: message("refund please"), expectedIntent: "get_refund" }, completions: [{ run: "a", model: "m", text: completionText("get_refund", "You will get your refund tomorrow.") }] },
    { case: { id: "c3", messages: message("cancel"), expectedIntent: "cancel_order" }, completions: [{ run: "a", model: "m", text: "<intent>cancel_order</intent> no analysis" }] },
    { case: { id: "c4", messages: message("hello"), expectedIntent: "cancel_order" }, completions: [{ run: "a", model: "m", text: completionText("say_hello", "Hi!") }] },
  ]);
  return project;
}

describe("judge jobs with the LLM judge", () => {
  it("sends the predicted intent's guideline, the conversation and the reply; stores the scripted verdicts with judge, versions and agreement", async () => {
    const project = await sampleProject();
    await llmJudge(project);
    scripted();
    const job = await judgeRun(project, "llm", ["a", "b"]);
    // 5 completions: c1 twice (identical input: one request), c2 one request, c3 and c4 none.
    expect(job).toMatchObject({ status: "done", total: 5, done: 5, errors: 0, requests: 2 });
    expect(server.requests).toHaveLength(2);
    const c1 = server.requests.find((r) => r.body.messages[0]!.content.includes("$4.99 fee applies"))!.body.messages[0]!.content;
    expect(c1).toContain("Mention the $4.99 fee."); // cancel_order's guideline: the predicted intent, not the expected get_refund
    expect(c1).not.toContain("Ask for the order number.");
    expect(c1).toContain("user: I want my money back");
    const c2 = server.requests.find((r) => r.body.messages[0]!.content.includes("refund tomorrow"))!.body.messages[0]!.content;
    expect(c2).toContain("Ask for the order number.");
    expect(await verdicts(project, "llm")).toEqual([
      { case: "c1", run: "a", verdict: "pass", rationale: "follows the guideline", judge_version: "1", guideline_version: 1, current: "pass" },
      { case: "c1", run: "b", verdict: "pass", rationale: "follows the guideline", judge_version: "1", guideline_version: 1, current: "pass" },
      { case: "c2", run: "a", verdict: "fail", rationale: "promises a date", judge_version: "1", guideline_version: 1, current: "fail" },
      { case: "c3", run: "a", verdict: "fail", rationale: "format error", judge_version: "1", guideline_version: null, current: "fail" },
      { case: "c4", run: "a", verdict: "fail", rationale: "unknown intent", judge_version: "1", guideline_version: null, current: "fail" },
    ]);
  });

  it("judging the same run twice sends nothing the second time; a changed guideline sends again only for its intent", async () => {
    const project = await sampleProject();
    await llmJudge(project);
    scripted();
    await judgeRun(project, "llm", ["a"]);
    expect(server.requests).toHaveLength(2);
    scripted();
    const again = await judgeRun(project, "llm", ["a"]);
    expect(again).toMatchObject({ status: "done", total: 0, done: 0, requests: 0 });
    expect(server.requests).toHaveLength(0);

    const intents = taxonomySchema.parse({ intents: TWO_INTENTS.map((i): IntentInput => (i.id === "cancel_order" ? { ...i, policy: "Mention the $4.99 fee and the refund time." } : i)) }).intents;
    await upsertIntents(project.id, intents);
    scripted();
    const changed = await judgeRun(project, "llm", ["a"]);
    expect(changed).toMatchObject({ status: "done", total: 1, done: 1, requests: 1 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.messages[0]!.content).toContain("Mention the $4.99 fee and the refund time.");
    expect((await verdicts(project, "llm")).filter((v) => v.case === "c1").map((v) => v.guideline_version)).toEqual([1, 2]);
  });

  it("a changed judge configuration is a new version and judges again", async () => {
    const project = await sampleProject();
    await llmJudge(project);
    scripted();
    await judgeRun(project, "llm", ["a"]);
    await llmJudge(project, "llm", { temperature: 0.5 });
    scripted();
    const job = await judgeRun(project, "llm", ["a"]);
    expect(job).toMatchObject({ judgeVersion: "2", total: 4, requests: 2 });
  });

  it("with samples, stores the majority verdict and its agreement", async () => {
    const project = await freshProject(TWO_INTENTS, "judge");
    await ingest(project, [{ case: { id: "s1", messages: message("x"), expectedIntent: "get_refund" }, completions: [{ run: "a", model: "m", text: completionText("get_refund", "Order number?") }] }]);
    await llmJudge(project, "llm", { samples: 3 });
    server.requests.length = 0;
    server.setScript((_, i) => (i === 0 ? { verdict: "fail", rationale: "no" } : { verdict: "pass", rationale: "yes" }));
    const job = await judgeRun(project, "llm", ["a"]);
    expect(job).toMatchObject({ done: 1, requests: 3 });
    const { rows } = await db.pool.query("SELECT verdict, rationale, agreement FROM policy_verdicts WHERE project_id = $1 AND judge_name = 'llm'", [project.id]);
    expect(rows).toEqual([{ verdict: "pass", rationale: "yes", agreement: 2 / 3 }]);
  });

  it("takes any completion filter as its scope", async () => {
    const project = await sampleProject();
    await llmJudge(project);
    scripted();
    const job = await judgeRun(project, "llm", ["a"], { predictedIntent: ["get_refund"] });
    expect(job).toMatchObject({ total: 1, done: 1, requests: 1 });
    expect((await verdicts(project, "llm")).map((v) => v.case)).toEqual(["c2"]);
  });

  it("records a completion the judge cannot answer as an error naming it, never as a verdict", async () => {
    const project = await freshProject(TWO_INTENTS, "judge");
    await ingest(project, [
      { case: { id: "ok", messages: message("x"), expectedIntent: "get_refund" }, completions: [{ run: "a", model: "m", text: completionText("get_refund", "Fine.") }] },
      { case: { id: "bad", messages: message("y"), expectedIntent: "get_refund" }, completions: [{ run: "a", model: "m", text: completionText("get_refund", "BROKEN reply") }] },
    ]);
    await llmJudge(project);
    scripted();
    const job = await judgeRun(project, "llm", ["a"]);
    expect(job).toMatchObject({ status: "failed", total: 2, done: 1, errors: 1, requests: 1 + 3 });
    expect(job.failed).toEqual([{ completionId: expect.any(Number), case: "bad", run: "a", message: expect.stringMatching(/^no verdict after 3 attempts: answer is not JSON/) }]);
    expect((await verdicts(project, "llm")).map((v) => v.case)).toEqual(["ok"]);
    // The pending verdict stays pending.
    const { rows } = await db.pool.query("SELECT c.policy_verdict FROM completions c JOIN cases cs ON cs.id = c.case_id AND cs.project_id = c.project_id WHERE c.project_id = $1 AND cs.external_id = 'bad'", [project.id]);
    expect(rows).toEqual([{ policy_verdict: "pending" }]);
  });

  it("counts its scope in a snapshot taken when the job starts, so the verdicts it stores meanwhile are still counted as lacking", async () => {
    const project = await sampleProject();
    await llmJudge(project);
    scripted();
    const judge = { name: "llm", version: (await resolveJudge(project.id, "llm"))!.version };
    const scope = completionFilterSchema.parse({ run: ["a"] });
    const snapshot = await snapshotNow(db.pool);
    try {
      const view = await judgeRun(project, "llm", ["a"]);
      expect(view).toMatchObject({ status: "done", done: 4, total: 4 });
      expect(await countLacking(db.pool, project.id, scope, judge)).toBe(0);
      expect(await snapshot.countLacking(project.id, scope, judge)).toBe(4);
    } finally {
      await snapshot.close();
    }
  });

  it("counts a completion whose reply was replaced as lacking, though its old verdict is of the same judge and guideline version", async () => {
    const project = await sampleProject();
    await llmJudge(project);
    scripted();
    await judgeRun(project, "llm", ["a"]);
    await ingest(project, [{ case: { id: "c2", messages: message("refund please"), expectedIntent: "get_refund" }, completions: [{ run: "a", model: "m", text: completionText("get_refund", "Your order number, please?") }] }]);
    scripted();
    const again = await judgeRun(project, "llm", ["a"]);
    expect(again).toMatchObject({ status: "done", total: 1, done: 1, requests: 1 });
    expect(server.requests.map((r) => r.body.messages[0]!.content.includes("Your order number, please?"))).toEqual([true]);
  });

  it("refuses a second verdict for the same completion and input (unique constraint)", async () => {
    const project = await sampleProject();
    await llmJudge(project);
    scripted();
    await judgeRun(project, "llm", ["a"]);
    const insertAgain = db.pool.query(
      `INSERT INTO policy_verdicts (project_id, completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source, cache_key)
       SELECT project_id, completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source, cache_key FROM policy_verdicts
        WHERE project_id = $1 AND judge_name = 'llm' LIMIT 1`,
      [project.id],
    );
    await expect(insertAgain).rejects.toMatchObject({ code: "23505" });
  });
});

describe("a judge job over several batches", () => {
  it("stores every completion's verdict once, batches side by side, with exact counters and aggregates", async () => {
    const project = await freshProject(TWO_INTENTS, "judge");
    const replies = ["Done; the $4.99 fee applies.", "Done, free of charge."];
    await ingest(project, Array.from({ length: 1500 }, (_, i) => ({
      case: { id: `m${i}`, messages: message(`cancel ${i}`), expectedIntent: "cancel_order" },
      completions: ["a", "b", "c"].map((run, r) => ({ run, model: "m", text: completionText("cancel_order", `${replies[(i + r) % 2]} (${i})`) })),
    })));
    const job = await judgeRun(project, "rubric", ["a", "b", "c"]);
    expect(job).toMatchObject({ status: "done", total: 4500, done: 4500, errors: 0, requests: 0 });
    const { rows } = await db.pool.query<{ verdicts: number; completions: number; pass: number; fail: number; pending: number }>(
      `SELECT (SELECT count(*)::int FROM policy_verdicts WHERE project_id = $1 AND judge_name = 'rubric') AS verdicts,
              (SELECT count(DISTINCT completion_id)::int FROM policy_verdicts WHERE project_id = $1 AND judge_name = 'rubric') AS completions,
              (SELECT sum(policy_pass)::int FROM run_intent_stats WHERE project_id = $1) AS pass,
              (SELECT sum(policy_fail)::int FROM run_intent_stats WHERE project_id = $1) AS fail,
              (SELECT sum(policy_pending)::int FROM run_intent_stats WHERE project_id = $1) AS pending`,
      [project.id],
    );
    // Every other completion mentions the fee (worked out from the replies above): 2,250 pass, 2,250 fail.
    expect(rows[0]).toEqual({ verdicts: 4500, completions: 4500, pass: 2250, fail: 2250, pending: 0 });
    const { rows: pairs } = await db.pool.query<{ n: number }>("SELECT sum(n)::int AS n FROM run_pair_counts WHERE project_id = $1 AND policy_a = 'pass' AND policy_b = 'fail'", [project.id]);
    // Run pairs (a,b) and (b,c) always differ, (a,c) never: 1,500 cases x 2 pairs, half of them pass-fail in run order.
    expect(pairs[0]!.n).toBe(1500);
  }, 120_000);

  it("moves the counted verdicts in place: every completion and case outcome keeps its page", async () => {
    const project = await freshProject(TWO_INTENTS, "judge");
    const padding = "We will look into it and write back to you with what we find. ".repeat(5);
    await ingest(project, Array.from({ length: 300 }, (_, i) => ({
      case: { id: `p${i}`, messages: message(`cancel ${i}`), expectedIntent: "cancel_order" },
      completions: ["a", "b", "c"].map((run, r) => ({ run, model: "m", text: completionText("cancel_order", `${(i + r) % 2 ? "Done; the $4.99 fee applies." : "Done."} ${padding}(${i})`) })),
    })));
    // Each row's page (from its ctid). An update that finds no room on its page writes the new version on another.
    const places = async () => {
      const { rows } = await db.pool.query<{ kind: string; id: string; page: string; verdict: string }>(
        `SELECT 'completion' AS kind, id::text, (ctid::text::point)[0]::text AS page, policy_verdict::text AS verdict FROM completions WHERE project_id = $1
         UNION ALL
         SELECT 'outcome', case_id::text, (ctid::text::point)[0]::text, policy_pass::text FROM case_outcomes WHERE project_id = $1`,
        [project.id],
      );
      return rows;
    };
    const before = await places();
    expect(new Set(before.filter((row) => row.kind === "completion").map((row) => row.page)).size).toBeGreaterThan(20); // enough rows to fill many pages
    expect(await judgeRun(project, "rubric", ["a", "b", "c"])).toMatchObject({ status: "done", done: 900 });
    const after = await places();
    expect(after.filter((row) => row.kind === "completion" && row.verdict === "pending")).toEqual([]);
    // Every case's outcome moved too: each has a passing completion (the replies above alternate).
    expect(after.filter((row) => row.kind === "outcome" && row.verdict === "0")).toEqual([]);
    const page = (rows: typeof before) => new Map(rows.map((row) => [`${row.kind} ${row.id}`, row.page]));
    const was = page(before);
    expect([...page(after)].filter(([key, at]) => was.get(key) !== at)).toEqual([]);
  }, 60_000);
});

describe("identical inputs on different pages of one job", () => {
  it("are asked once, and answers are not held in memory once the judge cache has them", async () => {
    const project = await freshProject(TWO_INTENTS, "judge");
    // Run b answers every case exactly as run a. Ingested 16 cases at a time, a then b, b's copies come 16 ids
    // (pages of 10) after a's: some while a's answer is still being asked or stored, some once it is in the cache.
    const cases = 400;
    for (let first = 0; first < cases; first += 16) {
      for (const run of ["a", "b"]) {
        await ingest(project, Array.from({ length: 16 }, (_, k) => ({
          case: { id: `s${first + k}`, messages: message(`my order ${first + k}`), expectedIntent: "get_refund" },
          completions: [{ run, model: "m", text: completionText("get_refund", `Your refund for order ${first + k} is on its way.`) }],
        })));
      }
    }
    await llmJudge(project);
    scripted();
    const id = await createJudgeJob(db.pool, project.id, { judge: "llm", run: ["a", "b"] });
    const held: number[] = [];
    expect(await runJudgeJob(db.pool, id, { retry: FAST, pageSize: 10, onProgress: (p) => held.push(p.heldAnswers) })).toBe(true);
    expect(await judgeJobView(db.pool, project.id, id)).toMatchObject({ status: "done", total: 2 * cases, done: 2 * cases, errors: 0, requests: cases });
    // One request per distinct input (each case's conversation and reply), none for run b's copies.
    expect(server.requests).toHaveLength(cases);
    expect(new Set(server.requests.map((r) => r.body.messages[0]!.content)).size).toBe(cases);
    // Answers already in the cache were let go as the job went on: a job that kept them all would end holding 400.
    expect(held.length).toBeGreaterThan(5);
    expect(Math.max(...held)).toBeLessThan(cases / 2);
  });
});

describe("cancelling a judge job", () => {
  it("stops a running job after its current batch; what was stored stays, nothing more is sent", async () => {
    const project = await freshProject(TWO_INTENTS, "judge");
    await ingest(project, Array.from({ length: 300 }, (_, i) => ({
      case: { id: `x${i}`, messages: message(`case ${i}`), expectedIntent: "get_refund" },
      completions: [{ run: "a", model: "m", text: completionText("get_refund", `Reply ${i}.`) }],
    })));
    await llmJudge(project, "llm", { concurrency: 2 });
    server.requests.length = 0;
    server.setScript(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { verdict: "pass", rationale: "fine" };
    });
    const id = await createJudgeJob(db.pool, project.id, { judge: "llm", run: ["a"] });
    const running = runJudgeJob(db.pool, id, { retry: FAST });
    for (;;) {
      const view = (await judgeJobView(db.pool, project.id, id))!;
      if (view.done >= 50) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await cancelJudgeJob(db.pool, project.id, id)).toBe(true);
    await running;
    const view = (await judgeJobView(db.pool, project.id, id))!;
    expect(view.status).toBe("cancelled");
    expect(view.done).toBeLessThan(300);
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM policy_verdicts WHERE project_id = $1 AND judge_name = 'llm'", [project.id]);
    expect(rows[0]!.n).toBe(view.done);
    // Every request sent got its verdict stored (those in flight at the cancel included): nothing was thrown away.
    expect(server.requests.length).toBe(view.done);
    const sent = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.requests.length).toBe(sent);
    expect(await cancelJudgeJob(db.pool, project.id, id)).toBe(true); // still cancelled: unchanged
  });
});

describe("a judge job across a restart", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });

  function startWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", "tests/support/judge-worker-process.ts"], { env: { ...process.env }, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve(child));
      child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
    });
  }

  async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > until) throw new Error(`condition not met: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("a worker killed in the middle of 1,000 completions is started again: the job completes with exactly one verdict each", async () => {
    const project = await freshProject(TWO_INTENTS, "judge");
    const records = Array.from({ length: 1000 }, (_, i) => ({
      case: { id: `k${i}`, messages: message(`case ${i}`), expectedIntent: "get_refund" },
      completions: [{ run: "a", model: "m", text: completionText("get_refund", `Reply number ${i}.`) }],
    }));
    await ingest(project, records);
    await llmJudge(project, "llm", { concurrency: 8 });
    server.requests.length = 0;
    server.setScript(async () => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return { verdict: "pass", rationale: "fine" };
    });
    const id = await createJudgeJob(db.pool, project.id, { judge: "llm", run: ["a"] });
    const view = () => judgeJobView(db.pool, project.id, id).then((v) => v!);

    const first = await startWorker();
    await waitFor(view, (v) => v.done >= 200);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const stopped = await view();
    expect(stopped.done).toBeLessThan(1000);
    expect(stopped.status).toBe("running");

    const second = await startWorker();
    const done = await waitFor(view, (v) => v.status !== "running" && v.status !== "queued");
    second.kill("SIGKILL");
    expect(done).toMatchObject({ status: "done", total: 1000, done: 1000, errors: 0 });
    const { rows } = await db.pool.query<{ n: number; completions: number; pending: number }>(
      `SELECT (SELECT count(*)::int FROM policy_verdicts WHERE project_id = $1 AND judge_name = 'llm') AS n,
              (SELECT count(DISTINCT completion_id)::int FROM policy_verdicts WHERE project_id = $1 AND judge_name = 'llm') AS completions,
              (SELECT count(*)::int FROM completions WHERE project_id = $1 AND policy_verdict = 'pending') AS pending`,
      [project.id],
    );
    expect(rows[0]).toEqual({ n: 1000, completions: 1000, pending: 0 });
    // Only what was in flight or judged but not yet stored when the worker died is asked again:
    // at most the batch being filled, two being stored (50 each) and the 8 requests in flight.
    expect(server.requests.length).toBeGreaterThanOrEqual(1000);
    expect(server.requests.length).toBeLessThanOrEqual(1000 + 3 * 50 + 8);
    // The restart is the job's latest start, with what it had stored by then: its rate counts from there.
    const { rows: marks } = await db.pool.query<{ resumed: boolean; done_at_resume: number }>("SELECT resumed_at > started_at AS resumed, done_at_resume FROM judge_jobs WHERE id = $1", [id]);
    expect(marks[0]).toEqual({ resumed: true, done_at_resume: stopped.done });
  }, 180_000);

  it("a resumed job's rate and ETA count from its restart, not the time it lay idle before", async () => {
    const project = await freshProject(TWO_INTENTS, "judge");
    // Started an hour ago with 100 verdicts stored when the app went down; restarted 10 s ago, 100 more since.
    const { rows } = await db.pool.query<{ id: number }>(
      `INSERT INTO judge_jobs (project_id, judge_name, judge_version, scope, status, total, done, started_at, resumed_at, done_at_resume)
       VALUES ($1, 'rubric', '1', '{"run": ["a"]}', 'running', 1000, 200, now() - interval '1 hour', now() - interval '10 seconds', 100) RETURNING id`,
      [project.id],
    );
    const view = (await judgeJobView(db.pool, project.id, rows[0]!.id))!;
    // 100 verdicts in 10 s (and a little more by the time it is read): 10/s, 800 left, 80 s.
    expect(view.rate).toBeGreaterThan(9);
    expect(view.rate).toBeLessThanOrEqual(10);
    expect(view.etaSeconds).toBeGreaterThanOrEqual(80);
    expect(view.etaSeconds).toBeLessThan(90);
  });
});

describe("judged verdicts and ingestion", () => {
  it("re-sending a record after judging changes nothing: the judge's verdict stays the counted one", async () => {
    const project = await freshProject(TWO_INTENTS, "judge");
    const record = {
      case: { id: "r1", messages: message("cancel it"), expectedIntent: "cancel_order" },
      completions: [{ run: "a", model: "m", text: completionText("cancel_order", "Cancelled, free of charge."), policy: { verdict: "pass" as const, rationale: "imported", judge: "outside" } }],
    };
    await ingest(project, [record]);
    const job = await judgeRun(project, "rubric", ["a"]);
    expect(job).toMatchObject({ status: "done", done: 1 });
    const before = await db.pool.query("SELECT c.policy_verdict, (SELECT count(*)::int FROM policy_verdicts v WHERE v.project_id = c.project_id AND v.completion_id = c.id) AS n FROM completions c WHERE c.project_id = $1", [project.id]);
    expect(before.rows).toEqual([{ policy_verdict: "fail", n: 2 }]);
    const [result] = await ingest(project, [record]);
    expect(result!.status).toBe("unchanged");
    const after = await db.pool.query("SELECT c.policy_verdict, (SELECT count(*)::int FROM policy_verdicts v WHERE v.project_id = c.project_id AND v.completion_id = c.id) AS n FROM completions c WHERE c.project_id = $1", [project.id]);
    expect(after.rows).toEqual(before.rows);
  });
});
