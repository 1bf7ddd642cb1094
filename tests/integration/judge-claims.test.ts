/**
 * Two judge jobs at once over runs with the same inputs ask the judge for
 * each input once between them (lib/judging/claims.ts): against the loopback
 * chat-completions server, with the claims of another job held by a session
 * of the test's own where the timing has to be exact.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputClaims } from "../../lib/judging/claims";
import { judgeJobView } from "../../lib/judging/job-view";
import { cancelJudgeJob, createJudgeJob, runJudgeJob } from "../../lib/judging/jobs";
import { putJudge, resolveJudge } from "../../lib/judging/judges";
import type { RetryPolicy } from "../../lib/judging/llm";
import { lackingVerdicts, type LackingTarget } from "../../lib/judging/scope";
import { completionFilterSchema } from "../../lib/validations/filters";
import { judgeConfigSchema } from "../../lib/validations/judging";
import type { RecordInput } from "../../lib/validations/record";
import type { ProjectContext } from "../../lib/projects";
import { startChatServer, type ChatServer } from "../support/chat-server";
import { completionText, freshProject, ingest, TWO_INTENTS, useTestDatabase } from "./helpers";

process.env.IB_SECRET_KEY = "11".repeat(32);
const db = useTestDatabase();
const FAST: RetryPolicy = { retries: 2, minTimeoutMs: 5, maxTimeoutMs: 20, maxRetryAfterMs: 1000 };
const CASES = 40; // fewer than a batch of answers (50): only a claim's wait makes a job store what it holds

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer(() => ({ verdict: "pass", rationale: "default" }));
});
afterAll(async () => {
  await server.close();
  await db.close();
});

/** Answers after `delayMs`: fails replies to even-numbered orders, passes the others. */
function slowJudge(delayMs: number) {
  server.requests.length = 0;
  server.setScript(async (request) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const even = /order (\d+)/.exec(request.body.messages[0]!.content)![1]!;
    return Number(even) % 2 === 0 ? { verdict: "fail", rationale: "even order" } : { verdict: "pass", rationale: "odd order" };
  });
}

/** The reply in run a and run b of case i (the same in both, so the same input). */
const reply = (i: number) => `I will look at order ${i} right away.`;
const record = (i: number, run: string): RecordInput => ({
  case: { id: `k${i}`, messages: [{ role: "user", content: `About order ${i}` }], expectedIntent: "get_refund" },
  completions: [{ run, model: "m", text: completionText("get_refund", reply(i)) }],
});

/**
 * CASES cases, each answered alike in runs a and b. Run b's completions are
 * stored in the opposite order of the cases, so a job over b walks the inputs
 * in the opposite order of a job over a: they meet in the middle.
 */
async function twinRuns(order: "same" | "opposite"): Promise<ProjectContext> {
  const project = await freshProject(TWO_INTENTS, "claims");
  const cases = Array.from({ length: CASES }, (_, i) => i);
  await ingest(project, cases.map((i) => record(i, "a")));
  await ingest(project, (order === "same" ? cases : cases.toReversed()).map((i) => record(i, "b")));
  await putJudge(project.id, "llm", judgeConfigSchema.parse({ kind: "openai", baseUrl: server.url, model: "judge-test", apiKey: "sk-loop-0000", concurrency: 4 }));
  return project;
}

async function startJob(project: ProjectContext, run: string) {
  const id = await createJudgeJob(db.pool, project.id, { judge: "llm", run: [run] });
  return { id, ran: runJudgeJob(db.pool, id, { retry: FAST }) };
}

/** How many verdicts of the judge each completion has, and what they say, per run and case. */
async function verdictsByCompletion(project: ProjectContext) {
  const { rows } = await db.pool.query<{ run: string; case: string; n: number; verdicts: string[]; rationales: string[] }>(
    `SELECT r.name AS run, cs.external_id AS case, count(v.id)::int AS n, array_agg(v.verdict::text ORDER BY v.id) AS verdicts, array_agg(v.rationale ORDER BY v.id) AS rationales
       FROM completions c JOIN runs r ON r.id = c.run_id JOIN cases cs ON cs.project_id = c.project_id AND cs.id = c.case_id
       LEFT JOIN policy_verdicts v ON v.project_id = c.project_id AND v.completion_id = c.id AND v.judge_name = 'llm'
      WHERE c.project_id = $1 GROUP BY r.name, cs.external_id ORDER BY r.name, cs.external_id`,
    [project.id],
  );
  return rows;
}

/** Prompts sent, each with how often it was sent. */
function promptsSent(): Map<string, number> {
  const sent = new Map<string, number>();
  for (const request of server.requests) {
    const prompt = request.body.messages[0]!.content;
    sent.set(prompt, (sent.get(prompt) ?? 0) + 1);
  }
  return sent;
}

/** Each input asked once in all, each completion judged once; returns the jobs' views. */
async function expectEachInputAskedOnce(project: ProjectContext, jobs: number[]) {
  const sent = promptsSent();
  expect(sent.size).toBe(CASES);
  expect([...sent.values()].every((n) => n === 1)).toBe(true);
  const views = (await Promise.all(jobs.map((id) => judgeJobView(db.pool, project.id, id)))).map((v) => v!);
  expect(views.map((v) => v.status)).toEqual(jobs.map(() => "done"));
  expect(views.reduce((sum, v) => sum + v.requests, 0)).toBe(CASES);
  const rows = await verdictsByCompletion(project);
  expect(rows).toHaveLength(2 * CASES);
  for (const row of rows) {
    const i = Number(row.case.slice(1));
    expect(row).toMatchObject({ n: 1, verdicts: [i % 2 === 0 ? "fail" : "pass"] });
  }
  return views;
}

describe("judge jobs asking the same inputs at once", () => {
  it.each([
    ["the same order", "same"],
    ["opposite orders (they meet in the middle and wait for each other's answers)", "opposite"],
  ] as const)("two jobs walking the same inputs in %s ask each input once between them, and finish", async (_, order) => {
    const project = await twinRuns(order);
    slowJudge(15);
    const a = await startJob(project, "a");
    const b = await startJob(project, "b");
    expect(await Promise.all([a.ran, b.ran])).toEqual([true, true]);
    const [viewA, viewB] = await expectEachInputAskedOnce(project, [a.id, b.id]);
    // They ran at once (else the cache alone would explain it)...
    expect(Date.parse(viewB!.startedAt!)).toBeLessThan(Date.parse(viewA!.finishedAt!));
    expect(Date.parse(viewA!.startedAt!)).toBeLessThan(Date.parse(viewB!.finishedAt!));
    // ...and walking the inputs from opposite ends, each asked some of them.
    if (order === "opposite") expect([viewA!.requests > 0, viewB!.requests > 0]).toEqual([true, true]);
  });

  /** A run's inputs (what a job over it would ask), with their keys. */
  async function inputsOf(project: ProjectContext, run: string): Promise<LackingTarget[]> {
    const judge = (await resolveJudge(project.id, "llm"))!;
    const targets: LackingTarget[] = [];
    for await (const page of lackingVerdicts(db.pool, project.id, completionFilterSchema.parse({ run: [run] }), { name: judge.name, version: judge.version })) targets.push(...page);
    return targets;
  }

  /** A session of its own, as another process's job has. */
  async function otherProcess() {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    return client;
  }

  async function until(condition: () => boolean | Promise<boolean>, what: string) {
    const deadline = Date.now() + 10_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it("waits for an input another process is asking: takes its answer from the cache when it comes, asks itself when that process goes without one", async () => {
    const project = await twinRuns("same");
    const inputs = await inputsOf(project, "b");
    const answered = inputs.find((t) => t.caseExternalId === "k7")!;
    const abandoned = inputs.find((t) => t.caseExternalId === "k8")!;
    // Another process (a session of its own) claims two inputs, as a job asking them would.
    const other = await otherProcess();
    let b: Awaited<ReturnType<typeof startJob>>;
    try {
      const otherClaims = new InputClaims(other, project.id);
      expect(await otherClaims.claim(answered.key, () => false)).toBeNull();
      expect(await otherClaims.claim(abandoned.key, () => false)).toBeNull();
      slowJudge(1);
      b = await startJob(project, "b");
      await until(() => server.requests.length === CASES - 2, "every other input was asked");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(server.requests).toHaveLength(CASES - 2); // the claimed two are not asked while claimed
      expect((await judgeJobView(db.pool, project.id, b.id))!.status).toBe("running");

      // The other process stores its answer for one and lets go of it: the job takes it from the cache.
      await db.pool.query("INSERT INTO judge_cache (project_id, key, verdict, rationale, agreement) VALUES ($1, $2, 'fail', 'answered elsewhere', NULL)", [project.id, answered.key]);
      await otherClaims.release([answered.key]);
      await until(async () => (await verdictsByCompletion(project)).some((r) => r.run === "b" && r.case === "k7" && r.n === 1), "k7 is judged");
      expect(server.requests).toHaveLength(CASES - 2);
      expect((await judgeJobView(db.pool, project.id, b.id))!.status).toBe("running"); // k8 is still claimed

      // The other process dies without an answer for the second: its claim goes with its connection, and the job asks.
      await other.end();
      expect(await b.ran).toBe(true);
    } finally {
      await other.end().catch(() => undefined);
    }
    const view = (await judgeJobView(db.pool, project.id, b.id))!;
    expect(view).toMatchObject({ status: "done", done: CASES, errors: 0, requests: CASES - 1 });
    expect(server.requests).toHaveLength(CASES - 1);
    expect(server.requests.at(-1)!.body.messages[0]!.content).toContain(reply(8));
    const rows = (await verdictsByCompletion(project)).filter((r) => r.run === "b");
    expect(rows.find((r) => r.case === "k7")).toMatchObject({ n: 1, verdicts: ["fail"], rationales: ["answered elsewhere"] });
    expect(rows.find((r) => r.case === "k8")).toMatchObject({ n: 1, verdicts: ["fail"], rationales: ["even order"] });
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it("a job whose last input another process is asking sees a cancel within seconds, and ends without asking it", async () => {
    const project = await twinRuns("same");
    const held = (await inputsOf(project, "b")).find((t) => t.caseExternalId === "k5")!;
    const other = await otherProcess();
    try {
      expect(await new InputClaims(other, project.id).claim(held.key, () => false)).toBeNull();
      slowJudge(1);
      const b = await startJob(project, "b");
      await until(async () => (await judgeJobView(db.pool, project.id, b.id))!.done === CASES - 1, "every other input is judged");
      const cancelledAt = Date.now();
      expect(await cancelJudgeJob(db.pool, project.id, b.id)).toBe(true);
      expect(await b.ran).toBe(true);
      expect(Date.now() - cancelledAt).toBeLessThan(5_000);
      expect((await judgeJobView(db.pool, project.id, b.id))!).toMatchObject({ status: "cancelled", done: CASES - 1, requests: CASES - 1 });
      expect(server.requests).toHaveLength(CASES - 1);
    } finally {
      await other.end();
    }
  });

  it("a key claimed twice at once is locked once: one release lets another process have it", async () => {
    const project = await twinRuns("same");
    const [input] = await inputsOf(project, "a");
    const mine = await otherProcess();
    const theirs = await otherProcess();
    try {
      const claims = new InputClaims(mine, project.id);
      const never = () => false;
      expect(await Promise.all([claims.claim(input!.key, never), claims.claim(input!.key, never)])).toEqual([null, null]);
      expect(await claims.claim(input!.key, never)).toBeNull();
      expect(claims.size).toBe(1);
      const other = new InputClaims(theirs, project.id);
      expect(await other.claim(input!.key, () => true)).toBe("stopped"); // held: the other gives up at once
      await claims.release([input!.key]);
      expect(claims.size).toBe(0);
      expect(await other.claim(input!.key, () => true)).toBeNull();
    } finally {
      await mine.end();
      await theirs.end();
    }
  });

  it("a job lets go of every claim when it ends", async () => {
    const project = await twinRuns("same");
    const inputs = await inputsOf(project, "a");
    slowJudge(1);
    const a = await startJob(project, "a");
    expect(await a.ran).toBe(true);
    const other = await otherProcess();
    try {
      const claims = new InputClaims(other, project.id);
      const stillClaimed = () => {
        throw new Error("an input is still claimed after its job ended");
      };
      for (const input of inputs) expect(await claims.claim(input.key, stillClaimed)).toMatchObject({ verdict: expect.stringMatching(/^(pass|fail)$/) });
    } finally {
      await other.end();
    }
  });
});
