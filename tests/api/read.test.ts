/**
 * The read API over real HTTP: runs, a run's metrics (figures worked out by
 * hand), one case with its completions and verdicts, and the completion list
 * with repeatable filters and cursor pages; all scoped to the key's project.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededProject } from "./fixtures";
import { call, useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

let project: Awaited<ReturnType<typeof seededProject>>;
let other: Awaited<ReturnType<typeof seededProject>>;
beforeAll(async () => {
  project = await seededProject();
  other = await seededProject();
});

const get = (url: string, key = project.keys.read) => call("GET", url, { key });

/** 95% Wilson interval of 2/4 and 1/4, computed by hand (z = 1.959964). */
const WILSON_2_OF_4 = [0.150039, 0.849961];
const WILSON_1_OF_4 = [0.045587, 0.699358];

describe("GET /api/v1/runs", () => {
  it("lists the project's runs with model and completion count", async () => {
    const response = await get("/api/v1/runs");
    expect(response.status).toBe(200);
    expect(response.json.runs.map((r: { name: string; model: string; completions: number }) => [r.name, r.model, r.completions])).toEqual([
      ["alpha", "m-alpha", 4],
      ["beta", "m-beta", 4],
    ]);
  });
});

describe("GET /api/v1/runs/{run}/metrics", () => {
  it("gives intent, policy and system accuracy with Wilson intervals, overall and per intent", async () => {
    const response = await get("/api/v1/runs/alpha/metrics");
    expect(response.status).toBe(200);
    const m = response.json;
    expect(m).toMatchObject({ run: "alpha", model: "m-alpha", total: 4 });
    expect(m.intent).toMatchObject({ correct: 2, wrong: 1, formatError: 1, accuracy: 0.5 });
    // The format error counts as a policy fail; nothing is pending.
    expect(m.policy).toMatchObject({ pass: 2, fail: 2, pending: 0, accuracy: 0.5 });
    expect(m.system).toMatchObject({ success: 1, accuracy: 0.25 });
    expect(m.productReference).toBeCloseTo(0.25, 12);
    expect(m.intent.ci95[0]).toBeCloseTo(WILSON_2_OF_4[0]!, 5);
    expect(m.intent.ci95[1]).toBeCloseTo(WILSON_2_OF_4[1]!, 5);
    expect(m.system.ci95[0]).toBeCloseTo(WILSON_1_OF_4[0]!, 5);
    expect(m.system.ci95[1]).toBeCloseTo(WILSON_1_OF_4[1]!, 5);
    const perIntent = Object.fromEntries(m.perIntent.map((row: { id: string }) => [row.id, row]));
    expect(perIntent.get_refund).toMatchObject({ total: 2, intent: { correct: 0, wrong: 1, formatError: 1 }, system: { success: 0 } });
    expect(perIntent.cancel_order).toMatchObject({ total: 1, intent: { correct: 1 }, policy: { pass: 1 }, system: { success: 1 } });
  });

  it("excludes pending verdicts from policy accuracy and counts them", async () => {
    const { json } = await get("/api/v1/runs/beta/metrics");
    expect(json.intent).toMatchObject({ correct: 4, accuracy: 1 });
    expect(json.policy).toMatchObject({ pass: 2, fail: 1, pending: 1 });
    expect(json.policy.accuracy).toBeCloseTo(2 / 3, 12);
    expect(json.system).toMatchObject({ success: 2, accuracy: 0.5 });
  });

  it("?judge shows one judge's verdicts alone: pending where it has not judged, a format error's fail kept", async () => {
    expect((await get("/api/v1/runs/beta/metrics")).json.judge).toBeNull();
    const same = await get("/api/v1/runs/beta/metrics?judge=offline-judge");
    expect(same.status).toBe(200);
    expect(same.json).toMatchObject({ run: "beta", judge: "offline-judge", total: 4, policy: { pass: 2, fail: 1, pending: 1 }, system: { success: 2 } });
    const rubric = await get("/api/v1/runs/alpha/metrics?judge=rubric");
    expect(rubric.json).toMatchObject({ judge: "rubric", intent: { correct: 2 }, policy: { pass: 0, fail: 1, pending: 3, accuracy: 0 }, system: { success: 0 } });
    const perIntent = Object.fromEntries(rubric.json.perIntent.map((row: { id: string }) => [row.id, row]));
    expect(perIntent.get_refund.policy).toMatchObject({ pass: 0, fail: 1, pending: 1 });
  });

  it("refuses an unknown judge (naming the project's judges) and an unknown parameter", async () => {
    const unknown = await get("/api/v1/runs/alpha/metrics?judge=nobody");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe("no judge named 'nobody' in this project (judges: 'offline-judge', 'rubric')");
    const typo = await get("/api/v1/runs/alpha/metrics?jduge=rubric");
    expect(typo.status).toBe(400);
    expect(typo.json.error.message).toContain("jduge");
    const onCase = await get("/api/v1/cases/c1?judge=rubric");
    expect(onCase.status).toBe(200);
    expect(onCase.json.completions.map((c: { policy: { verdict: string } }) => c.policy.verdict)).toEqual(["pending", "pending"]);
  });

  it("answers 404 for a run that does not exist, and a URL-encoded name works", async () => {
    const missing = await get("/api/v1/runs/nope/metrics");
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toContain("nope");
    expect((await get(`/api/v1/runs/${encodeURIComponent("alpha")}/metrics`)).status).toBe(200);
  });
});

describe("GET /api/v1/cases/{id}", () => {
  it("returns the messages, ground truth and every run's completion with its verdicts", async () => {
    const response = await get("/api/v1/cases/c1");
    expect(response.status).toBe(200);
    const { case: c, completions } = response.json;
    expect(c).toMatchObject({ id: "c1", expectedIntent: "cancel_order", tags: ["angry"] });
    expect(c.messages).toEqual([{ role: "user", content: "Please cancel order 1234, I changed my mind" }]);
    const byRun = Object.fromEntries(completions.map((row: { run: string }) => [row.run, row]));
    expect(byRun.alpha).toMatchObject({ intentVerdict: "correct", predictedIntent: "cancel_order", reply: "Done; a $4.99 fee applies.", latencyMs: 120 });
    expect(byRun.alpha.policy).toMatchObject({ verdict: "pass", judge: "offline-judge", judgeVersion: "7", source: "imported" });
    expect(byRun.beta.policy.verdict).toBe("fail");
    expect(byRun.beta.policyHistory).toHaveLength(1);
  });

  it("shows a pending verdict as pending, and a format error with its reason", async () => {
    const { json } = await get("/api/v1/cases/c3");
    const byRun = Object.fromEntries(json.completions.map((row: { run: string }) => [row.run, row]));
    expect(byRun.beta.policy).toEqual({ verdict: "pending" });
    expect(byRun.alpha.intentVerdict).toBe("format_error");
    expect(byRun.alpha.formatError).toBeTruthy();
    expect(byRun.alpha.reply).toBeNull();
  });

  it("answers 404 for a case of another project, exactly as for a missing one", async () => {
    const mine = await get("/api/v1/cases/c1", other.keys.read);
    expect(mine.status).toBe(200); // the other project has its own c1
    // Both projects hold c1-c4, so a case only the other project has is what tells scoping from a lookup by id alone.
    const record = { case: { id: "only-other", messages: [{ role: "user", content: "hello" }], expectedIntent: "get_refund" }, completions: [] };
    expect((await call("POST", "/api/v1/ingest", { key: other.keys.ingest, body: { records: [record] } })).status).toBe(200);
    expect((await get("/api/v1/cases/only-other", other.keys.read)).status).toBe(200);
    const elsewhere = await get("/api/v1/cases/only-other");
    const missing = await get("/api/v1/cases/zzz");
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("not_found");
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.json.error).toEqual({ ...missing.json.error, message: missing.json.error.message.replace("zzz", "only-other") });
  });
});

describe("GET /api/v1/completions", () => {
  const list = async (query: string) => {
    const response = await get(`/api/v1/completions?${query}`);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return response.json as { items: { caseId: string; run: string; intentVerdict: string; policyVerdict: string }[]; nextCursor: string | null };
  };
  const keysOf = (items: { caseId: string; run: string }[]) => items.map((i) => `${i.caseId}/${i.run}`).sort();

  it("filters by run, verdicts and intents; repeated parameters are alternatives", async () => {
    expect(keysOf((await list("run=alpha&intentVerdict=wrong&intentVerdict=format_error")).items)).toEqual(["c2/alpha", "c3/alpha"]);
    expect(keysOf((await list("policyVerdict=pending")).items)).toEqual(["c3/beta"]);
    expect(keysOf((await list("expectedIntent=get_refund&predictedIntent=track_refund")).items)).toEqual(["c2/alpha"]);
    expect(keysOf((await list("run=beta&policyVerdict=fail")).items)).toEqual(["c1/beta"]);
    expect((await list("run=nobody")).items).toEqual([]);
  });

  it("judge=J filters and lists judge J's verdicts alone; an unknown judge is a 404", async () => {
    // rubric has judged nothing in run alpha: all pending there, but the format error's fail, which counts under every judge.
    expect(keysOf((await list("run=alpha&judge=rubric&policyVerdict=pending")).items)).toEqual(["c1/alpha", "c2/alpha", "c4/alpha"]);
    expect((await list("run=alpha&judge=rubric")).items.map((i) => i.policyVerdict).sort()).toEqual(["fail", "pending", "pending", "pending"]);
    expect(keysOf((await list("run=alpha&policyVerdict=pending")).items)).toEqual([]);
    const unknown = await get("/api/v1/completions?judge=nobody");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe("no judge named 'nobody' in this project (judges: 'offline-judge', 'rubric')");
  });

  it("searches the customer's messages and the completions as text", async () => {
    expect(keysOf((await list("q=BLENDER")).items)).toEqual(["c2/alpha", "c2/beta"]);
    expect(keysOf((await list("q=sent%20on%20monday")).items)).toEqual(["c4/beta"]);
    expect((await list("q=100%25")).items).toEqual([]);
  });

  it("pages with cursors, each completion exactly once, in both orders", async () => {
    for (const sort of ["id", "-id"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(`limit=3&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        seen.push(...page.items.map((i) => `${i.caseId}/${i.run}`));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(8);
    }
  });

  it("answers 400 naming an unknown parameter, a bad value or a bad cursor", async () => {
    const unknown = await get("/api/v1/completions?verdict=wrong");
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain("verdict");
    const bad = await get("/api/v1/completions?intentVerdict=maybe");
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("maybe");
    expect((await get("/api/v1/completions?cursor=not-a-cursor")).status).toBe(400);
    expect((await get("/api/v1/completions?limit=0")).status).toBe(400);
  });

  it("never shows another project's completions, and needs a read key", async () => {
    const page = await list("limit=500");
    expect(page.items).toHaveLength(8);
    expect((await call("GET", "/api/v1/completions")).status).toBe(401);
    expect((await get("/api/v1/completions", project.keys.ingest)).status).toBe(403);
    expect((await get("/api/v1/completions", project.keys.admin)).status).toBe(200);
  });
});
