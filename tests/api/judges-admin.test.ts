/**
 * The judges page's admin actions over HTTP, called as the browser calls them
 * (tests/support/actions.ts): adding and changing an LLM judge with the API's
 * schema and refusals, the key never echoed nor audited, and choosing the
 * primary judge with the number of recounted completions. Who may call them
 * is tests/api/access.test.ts.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { actionRef, callAction } from "../support/actions";
import { testUser, type TestUser } from "../support/users";
import { seededProject } from "./fixtures";
import { call, useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

const SECRET = "sk-form-secret-5678wxyz";
const FORM = { name: "gpt", version: "", baseUrl: "http://127.0.0.1:9/v1", model: "gpt-4o-mini", apiKey: SECRET, temperature: "", timeoutMs: "", concurrency: "", samples: "", promptTemplate: "" };

// Each test has a project of its own (the fixture's), with an admin of it.
let project: Awaited<ReturnType<typeof seededProject>>;
let admin: TestUser;
beforeEach(async () => {
  project = await seededProject();
  admin = await testUser({ label: "judges-admin", memberships: [{ projectId: project.projectId, role: "admin" }] });
}, 120_000);

async function act(name: "saveJudge" | "savePrimaryJudge", form: Record<string, string>) {
  const answer = await callAction(api.baseUrl, actionRef("app/projects/[project]/judges/actions.ts", name), {
    args: [project.name, null],
    form,
    cookie: admin.cookie,
    pageUrl: `/projects/${project.name}/judges`,
  });
  expect(answer.status).toBe(200);
  return answer.value as { ok?: string; error?: string; fields?: Record<string, string>; values?: Record<string, string> };
}

async function auditRows(action: string) {
  const { rows } = await api.pool.query<{ actor_id: string; object_id: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
    "SELECT actor_id, object_id, before, after FROM audit_log WHERE project_id = $1 AND action = $2 ORDER BY id",
    [project.projectId, action],
  );
  return rows;
}

const judgeRow = async () => (await api.pool.query("SELECT version, base_url, samples, api_key_hint FROM judges WHERE project_id = $1 AND name = 'gpt'", [project.projectId])).rows[0];

describe("saveJudge", () => {
  it("refuses bad fields one message each, and never sends the key back", async () => {
    const answer = await act("saveJudge", { ...FORM, name: "not a name", baseUrl: "ftp://x", timeoutMs: "50", samples: "two" });
    expect(answer.fields).toEqual({
      name: "judge name must be letters, digits, '_', '.' or '-'",
      samples: "samples must be a number",
    });
    // A number that is no number stops the parse before the API's schema: fixed, the next try reports the rest.
    const next = await act("saveJudge", { ...FORM, name: "not a name", baseUrl: "ftp://x", timeoutMs: "50" });
    expect(next.fields).toMatchObject({ baseUrl: expect.stringMatching(/^baseUrl must be an http/), timeoutMs: "timeoutMs is at least 100 ms" });
    expect(next.values).toMatchObject({ name: "not a name", baseUrl: "ftp://x", timeoutMs: "50" });
    expect(JSON.stringify([answer, next])).not.toContain(SECRET);
    expect(await judgeRow()).toBeUndefined();
  });

  it("adds a judge, audits it with the key masked, refuses adding it twice, a new base URL without the key and a stale version", async () => {
    expect(await act("saveJudge", FORM)).toEqual({ ok: "Added judge gpt: configuration version 1." });
    expect(await judgeRow()).toMatchObject({ version: "1", base_url: "http://127.0.0.1:9/v1", samples: 1, api_key_hint: "sk-…wxyz" });
    const [created, ...more] = await auditRows("judge.create");
    expect(more).toEqual([]);
    expect(created).toMatchObject({ actor_id: admin.email, object_id: "gpt", before: null, after: { version: "1", baseUrl: "http://127.0.0.1:9/v1", model: "gpt-4o-mini", apiKeyHint: "sk-…wxyz", apiKeyChanged: true, timeoutMs: 30000, concurrency: 4, samples: 1, temperature: null, promptTemplate: null } });
    expect(JSON.stringify(created)).not.toContain("5678");

    const twice = await act("saveJudge", FORM);
    expect(twice.fields).toEqual({ name: "there is already a judge named 'gpt': pick it to change it" });

    const moved = await act("saveJudge", { ...FORM, version: "1", apiKey: "", baseUrl: "https://elsewhere.example/v1" });
    expect(moved.error).toBe("Not saved: baseUrl changed: send apiKey again (a stored key is never sent to a new address).");
    expect(moved.fields).toEqual({ apiKey: "baseUrl changed: send apiKey again (a stored key is never sent to a new address)" });
    expect(moved.values).toMatchObject({ baseUrl: "https://elsewhere.example/v1" });
    expect(moved.values).not.toHaveProperty("apiKey");
    expect(await judgeRow()).toMatchObject({ version: "1", base_url: "http://127.0.0.1:9/v1" });

    // The same settings again (the stored key kept): no new version, nothing audited.
    expect(await act("saveJudge", { ...FORM, version: "1", apiKey: "" })).toEqual({ ok: "Nothing changed: judge gpt stays at configuration version 1." });
    const changed = await act("saveJudge", { ...FORM, version: "1", apiKey: "", samples: "3", promptTemplate: "Guideline:\r\n{{guideline}}\r\nReply:\r\n{{reply}}" });
    expect(changed.ok).toMatch(/^Saved judge gpt: new configuration version 2 /);
    const [updated] = await auditRows("judge.update");
    expect(updated).toMatchObject({ before: { version: "1", samples: 1, apiKeyHint: "sk-…wxyz" }, after: { version: "2", samples: 3, apiKeyHint: "sk-…wxyz", apiKeyChanged: false, promptTemplate: "Guideline:\n{{guideline}}\nReply:\n{{reply}}" } });

    const stale = await act("saveJudge", { ...FORM, version: "1", apiKey: "" });
    expect(stale.error).toBe("Not saved: someone saved version 2 of judge 'gpt' meanwhile: reload to see it, then change it again.");
    expect(await judgeRow()).toMatchObject({ version: "2", samples: 3 });
  });

  it("refuses to configure the built-in rubric judge", async () => {
    expect((await act("saveJudge", { ...FORM, name: "rubric" })).fields).toEqual({ name: "the rubric judge is built in and cannot be configured; give this judge another name" });
  });
});

describe("savePrimaryJudge", () => {
  const pending = async () => Number((await api.pool.query("SELECT count(*) AS n FROM completions WHERE project_id = $1 AND policy_verdict = 'pending'", [project.projectId])).rows[0].n);
  const primary = async () => (await api.pool.query("SELECT primary_judge FROM projects WHERE id = $1", [project.projectId])).rows[0].primary_judge;

  it("refuses a name that cannot count, recounts on a change and says how many changed", async () => {
    // The fixture's 8 completions: 6 imported verdicts of offline-judge, the grader's format-error
    // fail of c3 alpha, and c3 beta pending (tests/api/fixtures.ts).
    expect(await pending()).toBe(1);
    const unknown = await act("savePrimaryJudge", { judge: "nobody" });
    expect(unknown.error).toMatch(/^Not saved: 'nobody' cannot be the primary judge: .*choose one of offline-judge, rubric, or none/);
    expect(unknown.fields?.judge).toMatch(/'nobody' cannot be the primary judge/);
    expect((await act("savePrimaryJudge", { judge: "x".repeat(201) })).fields).toEqual({ judge: "a judge name is at most 200 characters" });
    expect(await primary()).toBeNull();

    // rubric has judged nothing here: the 6 imported verdicts stop counting (the grader's fail counts under any rule).
    expect(await act("savePrimaryJudge", { judge: "rubric" })).toEqual({ ok: "Saved: the primary judge is rubric. 6 completions' counted verdicts changed." });
    expect(await primary()).toBe("rubric");
    expect(await pending()).toBe(7);
    expect(await act("savePrimaryJudge", { judge: "rubric" })).toEqual({ ok: "Nothing changed: the primary judge is rubric." });

    // offline-judge counts its 6 again; then, with no primary judge, the latest of any judge is the same verdict each.
    expect(await act("savePrimaryJudge", { judge: "offline-judge" })).toEqual({ ok: "Saved: the primary judge is offline-judge. 6 completions' counted verdicts changed." });
    expect(await pending()).toBe(1);
    expect(await act("savePrimaryJudge", { judge: "" })).toEqual({ ok: "Saved: no primary judge: the most recent verdict of any judge counts. 0 completions' counted verdicts changed." });
    expect(await primary()).toBeNull();
    expect(await pending()).toBe(1);

    // An imported verdict's judge may have any name, and can then be chosen: its one verdict (c5) counts,
    // the 6 of offline-judge become pending.
    const record = { case: { id: "c5", messages: [{ role: "user", content: "cancel it" }], expectedIntent: "cancel_order" }, completions: [{ run: "alpha", model: "m-alpha", text: "<analysis>.</analysis><intent>cancel_order</intent> Done, $4.99 fee.", policy: { verdict: "pass", rationale: "ok", judge: "Vendor judge (v2)" } }] };
    expect((await call("POST", "/api/v1/ingest", { key: project.keys.ingest, body: { records: [record] } })).status).toBe(200);
    expect(await act("savePrimaryJudge", { judge: "Vendor judge (v2)" })).toEqual({ ok: "Saved: the primary judge is Vendor judge (v2). 6 completions' counted verdicts changed." });
    expect(await pending()).toBe(7);

    const audited = await auditRows("project.primary_judge");
    expect(audited.map((row) => [row.actor_id, row.object_id, row.before, row.after])).toEqual([
      [admin.email, project.name, { primaryJudge: null }, { primaryJudge: "rubric", recounted: 6 }],
      [admin.email, project.name, { primaryJudge: "rubric" }, { primaryJudge: "offline-judge", recounted: 6 }],
      [admin.email, project.name, { primaryJudge: "offline-judge" }, { primaryJudge: null, recounted: 0 }],
      [admin.email, project.name, { primaryJudge: null }, { primaryJudge: "Vendor judge (v2)", recounted: 6 }],
    ]);
  });
});
