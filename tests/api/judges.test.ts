/** Judges and judge jobs over HTTP, against the built app and its worker, with a loopback chat-completions server as the model. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChatServer, type ChatServer } from "../support/chat-server";
import { seededProject } from "./fixtures";
import { call, useApi } from "./helpers";

const api = useApi();
let model: ChatServer;
beforeAll(async () => {
  model = await startChatServer(() => ({ verdict: "fail", rationale: "scripted fail" }));
});
afterAll(async () => {
  await model.close();
  await api.close();
});

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`not reached: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("PUT and GET /api/v1/judges", () => {
  it("stores a judge with its key encrypted, shows it masked, versions every change", async () => {
    const { projectId, keys } = await seededProject();
    const body = { kind: "openai", baseUrl: "http://127.0.0.1:8000/v1/", model: "qwen", apiKey: "sk-live-secret-9876wxyz" };
    const put = await call("PUT", "/api/v1/judges/gpt", { key: keys.admin, body });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ created: true, changed: true, judge: { name: "gpt", kind: "openai", version: "1", baseUrl: "http://127.0.0.1:8000/v1", apiKey: "sk-…wxyz", timeoutMs: 30000, concurrency: 4, samples: 1 } });
    expect(JSON.stringify(put.json)).not.toContain("secret-9876");
    const { rows } = await api.pool.query("SELECT api_key_encrypted FROM judges WHERE project_id = $1", [projectId]);
    expect(rows[0].api_key_encrypted).toMatch(/^v1:/);
    expect(rows[0].api_key_encrypted).not.toContain("secret");

    const same = await call("PUT", "/api/v1/judges/gpt", { key: keys.admin, body: { ...body, apiKey: undefined } });
    expect(same.json).toMatchObject({ changed: false, judge: { version: "1", apiKey: "sk-…wxyz" } });
    const changed = await call("PUT", "/api/v1/judges/gpt", { key: keys.admin, body: { ...body, apiKey: undefined, temperature: 0, samples: 3 } });
    expect(changed.json).toMatchObject({ changed: true, judge: { version: "2", temperature: 0, samples: 3, apiKey: "sk-…wxyz" } });

    const list = await call("GET", "/api/v1/judges", { key: keys.admin });
    expect(list.status).toBe(200);
    expect(list.json.judges.map((j: { name: string; version: string }) => [j.name, j.version])).toEqual([["rubric", "1"], ["gpt", "2"]]);
    expect(JSON.stringify(list.json)).not.toContain("secret-9876");
    // Every change is audited with the key as the actor; the key itself only masked.
    const { rows: audited } = await api.pool.query("SELECT actor_type::text, actor_id, action, before, after FROM audit_log WHERE project_id = $1 AND object_type = 'judge' ORDER BY id", [projectId]);
    expect(audited.map((row) => [row.actor_type, row.action])).toEqual([["api_key", "judge.create"], ["api_key", "judge.update"]]);
    expect(audited[0].actor_id).toMatch(/^key #\d+$/);
    expect(JSON.stringify(audited)).not.toContain("secret-9876");
  });

  it("changes sent at once never share a version: each saved one is the next, the others are refused as conflicts", async () => {
    const { keys } = await seededProject();
    const body = { kind: "openai", baseUrl: "http://127.0.0.1:8000/v1", model: "m", apiKey: "sk-race-0000" };
    expect((await call("PUT", "/api/v1/judges/race", { key: keys.admin, body })).status).toBe(200);
    const temperatures = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const answers = await Promise.all(temperatures.map((temperature) => call("PUT", "/api/v1/judges/race", { key: keys.admin, body: { ...body, apiKey: undefined, temperature } })));
    const saved = answers.filter((a) => a.status === 200);
    for (const refused of answers.filter((a) => a.status !== 200)) expect(refused.json.error.code).toBe("version_conflict");
    // With none saved every check below would hold vacuously; the first change to read version 1 always lands.
    expect(saved.length).toBeGreaterThanOrEqual(1);
    answers.forEach((answer, i) => {
      if (answer.status === 200) expect(answer.json).toMatchObject({ created: false, changed: true, judge: { temperature: temperatures[i] } });
    });
    const versions = saved.map((a) => Number(a.json.judge.version)).sort((x, y) => x - y);
    expect(versions).toEqual(versions.map((_, i) => i + 2));
    // The stored judge is the last saved change, as that answer showed it.
    const last = saved.find((a) => Number(a.json.judge.version) === 1 + saved.length)!;
    const list = await call("GET", "/api/v1/judges", { key: keys.admin });
    const stored = list.json.judges.find((j: { name: string }) => j.name === "race");
    expect(stored.version).toBe(String(1 + saved.length));
    expect(stored).toEqual(last.json.judge);
  });

  it("refuses a new baseUrl without the key again, and says why", async () => {
    const { keys } = await seededProject();
    const body = { kind: "openai", baseUrl: "https://api.example.com/v1", model: "m", apiKey: "sk-aaaa-bbbb-cccc" };
    expect((await call("PUT", "/api/v1/judges/j", { key: keys.admin, body })).status).toBe(200);
    const moved = await call("PUT", "/api/v1/judges/j", { key: keys.admin, body: { ...body, apiKey: undefined, baseUrl: "https://evil.example.net/v1" } });
    expect(moved.status).toBe(400);
    expect(moved.json.error).toMatchObject({ code: "base_url_needs_key", message: "baseUrl changed: send apiKey again (a stored key is never sent to a new address)" });
    const withKey = await call("PUT", "/api/v1/judges/j", { key: keys.admin, body: { ...body, baseUrl: "https://evil.example.net/v1", apiKey: "sk-new-key-0001" } });
    expect(withKey.json).toMatchObject({ judge: { version: "2", apiKey: "sk-…0001" } });
  });

  it.each([
    [{ kind: "anthropic", baseUrl: "http://x/v1", model: "m", apiKey: "k" }, /kind must be "openai"/],
    [{ kind: "openai", baseUrl: "ftp://x", model: "m", apiKey: "k" }, /baseUrl must be an http/],
    [{ kind: "openai", baseUrl: "http://x/v1", model: "", apiKey: "k" }, /model must not be empty/],
    [{ kind: "openai", baseUrl: "http://x/v1", model: "m", apiKey: "k", timeoutMs: 5 }, /timeoutMs/],
    [{ kind: "openai", baseUrl: "http://x/v1", model: "m", apiKey: "k", promptTemplate: "{{guideline}} {{reply}} {{secret}}" }, /unknown template variable \{\{secret\}\}/],
    [{ kind: "openai", baseUrl: "http://x/v1", model: "m", apiKey: "k", extra: 1 }, /extra/],
    [{ kind: "openai", baseUrl: "http://x/v1", model: "m" }, /apiKey is required for a new judge/],
  ])("answers 400 for %j", async (body, message) => {
    const { keys } = await seededProject();
    const response = await call("PUT", "/api/v1/judges/new", { key: keys.admin, body });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(message);
  });

  it("keeps rubric built in, and judges to admins", async () => {
    const { keys } = await seededProject();
    const body = { kind: "openai", baseUrl: "http://x/v1", model: "m", apiKey: "k" };
    expect((await call("PUT", "/api/v1/judges/rubric", { key: keys.admin, body })).json.error.code).toBe("built_in");
    expect((await call("PUT", "/api/v1/judges/x", { key: keys.ingest, body })).status).toBe(403);
    expect((await call("GET", "/api/v1/judges", { key: keys.read })).status).toBe(403);
  });
});

describe("judge jobs over HTTP", () => {
  it("judges a run with the LLM judge through the server's worker; the verdict is the case's", async () => {
    const { keys } = await seededProject();
    model.requests.length = 0;
    model.setScript((request) => (request.body.messages[0]!.content.includes("Done; a $4.99 fee applies.") ? { verdict: "pass", rationale: "mentions the fee" } : { verdict: "fail", rationale: "scripted fail" }));
    expect((await call("PUT", "/api/v1/judges/loop", { key: keys.admin, body: { kind: "openai", baseUrl: model.url, model: "judge", apiKey: "sk-loopback-1" } })).status).toBe(200);
    const created = await call("POST", "/api/v1/judge-jobs", { key: keys.ingest, body: { judge: "loop", run: "alpha" } });
    expect(created.status).toBe(202);
    const job = await until(() => call("GET", `/api/v1/judge-jobs/${created.json.id}`, { key: keys.read }), (r) => r.json.status === "done" || r.json.status === "failed");
    // alpha: c1 and c2 and c4 are judged (3 requests), c3 is a format error (no request).
    expect(job.json).toMatchObject({ status: "done", total: 4, done: 4, errors: 0, requests: 3, etaSeconds: 0 });
    expect(model.requests).toHaveLength(3);
    expect(model.requests.every((r) => r.authorization === "Bearer sk-loopback-1")).toBe(true);
    const c1 = await call("GET", "/api/v1/cases/c1", { key: keys.read });
    expect(c1.json.completions.find((c: { run: string }) => c.run === "alpha").policy).toMatchObject({ verdict: "pass", rationale: "mentions the fee", judge: "loop", judgeVersion: "1", guidelineVersion: 1, source: "judged" });
    const c2 = await call("GET", "/api/v1/cases/c2", { key: keys.read });
    // Judged against the guideline of the predicted intent (track_refund), not the expected one.
    expect(model.requests.find((r) => r.body.messages[0]!.content.includes("I want my money back"))!.body.messages[0]!.content).toContain("Give the refund status.");
    expect(c2.json.completions.find((c: { run: string }) => c.run === "alpha").policy).toMatchObject({ verdict: "fail", judge: "loop" });

    // Again: nothing lacks a verdict, nothing is sent.
    model.requests.length = 0;
    const again = await call("POST", "/api/v1/judge-jobs", { key: keys.ingest, body: { judge: "loop", run: ["alpha"] } });
    const second = await until(() => call("GET", `/api/v1/judge-jobs/${again.json.id}`, { key: keys.read }), (r) => r.json.status === "done");
    expect(second.json).toMatchObject({ total: 0, requests: 0 });
    expect(model.requests).toHaveLength(0);
  });

  it("runs the rubric judge, takes completion filters, refuses unknown judges and runs, and cancels", async () => {
    const { keys } = await seededProject();
    const unknown = await call("POST", "/api/v1/judge-jobs", { key: keys.ingest, body: { judge: "nope", run: "alpha" } });
    expect(unknown.json.error.message).toBe("no judge 'nope' in this project (the built-in one is 'rubric')");
    const badFilter = await call("POST", "/api/v1/judge-jobs", { key: keys.ingest, body: { judge: "rubric", run: "alpha", intentVerdict: "maybe" } });
    expect(badFilter.status).toBe(400);
    const created = await call("POST", "/api/v1/judge-jobs", { key: keys.ingest, body: { judge: "rubric", run: "beta", predictedIntent: ["get_refund"] } });
    const done = await until(() => call("GET", `/api/v1/judge-jobs/${created.json.id}`, { key: keys.read }), (r) => r.json.status === "done");
    // beta predicts get_refund in c2 and c3; the fixtures' intents have no rubric items, so both pass.
    expect(done.json).toMatchObject({ total: 2, done: 2, requests: 0 });
    const c3 = await call("GET", "/api/v1/cases/c3", { key: keys.read });
    expect(c3.json.completions.find((c: { run: string }) => c.run === "beta").policy).toMatchObject({ verdict: "pass", rationale: "no rubric items for this intent", judge: "rubric" });
    const cancelled = await call("POST", `/api/v1/judge-jobs/${created.json.id}/cancel`, { key: keys.ingest });
    expect(cancelled.json.status).toBe("done"); // finished already: unchanged
    const other = await seededProject();
    expect((await call("GET", `/api/v1/judge-jobs/${created.json.id}`, { key: other.keys.read })).status).toBe(404);
  });
});
