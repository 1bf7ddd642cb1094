/**
 * POST /api/v1/ingest over real HTTP against the production server: statuses,
 * per-record errors, limits, idempotent replays, re-grading, imported
 * verdicts, concurrent writers, key scopes and project isolation, and a corpus
 * of bad inputs that must each get a clear 4xx and change nothing.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { IntentInput } from "../../lib/validations/taxonomy";
import { call, projectWithKeys, useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

const INTENTS: IntentInput[] = [
  { id: "cancel_order", label: "Cancel order", policy: "Mention the $4.99 fee.", rubric: [{ id: "fee", description: "must mention the fee", mustInclude: ["$4.99"] }] },
  { id: "get_refund", label: "Get refund", policy: "Ask for the order number." },
  { id: "track_refund", label: "Track refund", policy: "Give the refund status." },
];

function text(intent: string, reply = "Sure, I can help with that.") {
  return `<analysis>The customer wants something.</analysis><intent>${intent}</intent> ${reply}`;
}

type Completion = { run: string; model?: string; text: string; [extra: string]: unknown };

function record(id: string, expectedIntent: string, completions: Completion[] = [], extra: Record<string, unknown> = {}) {
  return {
    case: { id, messages: [{ role: "user", content: `message for ${id}` }], expectedIntent, ...extra },
    completions: completions.map((c) => ({ model: `model-${c.run}`, ...c })),
  };
}

const TABLES = ["cases", "completions", "policy_verdicts", "runs", "run_intent_stats", "run_confusion"] as const;

/** Everything a project holds in the ingest tables, for "exactly as before" comparisons. */
async function snapshot(projectId: number) {
  const order: Record<(typeof TABLES)[number], string> = {
    cases: "id",
    completions: "id",
    policy_verdicts: "id",
    runs: "id",
    run_intent_stats: "run_id, expected_intent",
    run_confusion: "run_id, expected_intent, predicted",
  };
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = (await api.pool.query(`SELECT * FROM ${table} WHERE project_id = $1 ORDER BY ${order[table]}`, [projectId])).rows;
  return out;
}

async function rowCounts(projectId: number) {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (await api.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE project_id = $1`, [projectId])).rows[0]!.n;
  return out;
}

function ingest(key: string, records: unknown[]) {
  return call("POST", "/api/v1/ingest", { key, body: { records } });
}

function expectError(response: { status: number; json: Record<string, any> }, status: number, code?: string) {
  expect(response.status, JSON.stringify(response.json)).toBe(status);
  expect(typeof response.json.error?.code).toBe("string");
  expect(typeof response.json.error?.message).toBe("string");
  expect(response.json.error.message.length).toBeGreaterThan(5);
  if (code) expect(response.json.error.code).toBe(code);
}

describe("POST /api/v1/ingest", () => {
  it("stores a batch: 200 with per-record results and a summary; runs are created on first use", async () => {
    const p = await projectWithKeys(INTENTS);
    const response = await ingest(p.keys.ingest, [
      record("c1", "get_refund", [{ run: "a", text: text("get_refund") }, { run: "b", text: text("track_refund") }]),
      record("c2", "cancel_order", [{ run: "a", text: text("cancel_order", "There is a $4.99 fee.") }, { run: "b", text: "no tags at all" }], { tags: ["colloquial"], metadata: { channel: "chat" } }),
      record("c3", "track_refund"),
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.json).toEqual({
      results: [
        { index: 0, status: "created", caseId: "c1" },
        { index: 1, status: "created", caseId: "c2" },
        { index: 2, status: "created", caseId: "c3" },
      ],
      summary: { created: 3, updated: 0, unchanged: 0, rejected: 0 },
    });
    expect(await rowCounts(p.projectId)).toMatchObject({ cases: 3, completions: 4, runs: 2 });
    const runs = await api.pool.query("SELECT name, model FROM runs WHERE project_id = $1 ORDER BY name", [p.projectId]);
    expect(runs.rows).toEqual([{ name: "a", model: "model-a" }, { name: "b", model: "model-b" }]);
    const graded = await api.pool.query(
      `SELECT ca.external_id, r.name AS run, co.intent_verdict, co.predicted_intent, co.policy_verdict, co.reward
         FROM completions co JOIN cases ca ON ca.project_id = co.project_id AND ca.id = co.case_id JOIN runs r ON r.id = co.run_id
        WHERE co.project_id = $1 ORDER BY ca.external_id, r.name`,
      [p.projectId],
    );
    expect(graded.rows).toEqual([
      { external_id: "c1", run: "a", intent_verdict: "correct", predicted_intent: "get_refund", policy_verdict: "pending", reward: 1 },
      { external_id: "c1", run: "b", intent_verdict: "wrong", predicted_intent: "track_refund", policy_verdict: "pending", reward: -1 },
      { external_id: "c2", run: "a", intent_verdict: "correct", predicted_intent: "cancel_order", policy_verdict: "pending", reward: 1 },
      { external_id: "c2", run: "b", intent_verdict: "format_error", predicted_intent: null, policy_verdict: "fail", reward: -1 },
    ]);
    const empty = await ingest(p.keys.ingest, []);
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({ results: [], summary: { created: 0, updated: 0, unchanged: 0, rejected: 0 } });
  });

  it("answers 207 with index, path and message for rejected records and stores the others", async () => {
    const p = await projectWithKeys(INTENTS);
    await ingest(p.keys.ingest, [record("c0", "get_refund", [{ run: "a", text: text("get_refund") }])]);
    const response = await ingest(p.keys.ingest, [
      record("c1", "get_refund", [{ run: "a", text: text("get_refund") }]),
      record("c2", "get_refund", [{ run: "a", text: text("get_refund"), latencyMs: -5 }]),
      record("c3", "no_such_intent", [{ run: "a", text: text("get_refund") }]),
      record("c4", "get_refund", [{ run: "a", model: "another-model", text: text("get_refund") }]),
      record("c5", "get_refund", [{ run: "a", text: text("mystery_intent") }]),
      { case: { id: "c6", messages: [{ role: "user", content: "hi" }], expectedIntent: "get_refund", surprise: 1 } },
      "not a record",
      record("c5", "get_refund"),
      record("c8", "get_refund", [], { messages: [{ role: "assistant", content: "last message is not the user's" }] }),
    ]);
    expect(response.status).toBe(207);
    const { results, summary } = response.json;
    expect(summary).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 7 });
    expect(results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(results[0]).toEqual({ index: 0, status: "created", caseId: "c1" });
    expect(results[1]).toMatchObject({ status: "rejected", caseId: "c2", error: { path: ["completions", 0, "latencyMs"] } });
    expect(results[1].error.message).toMatch(/>=\s*0|too small|non-?negative/i);
    expect(results[2]).toEqual({ index: 2, status: "rejected", caseId: "c3", error: { path: ["case", "expectedIntent"], message: "unknown intent 'no_such_intent': add it to the taxonomy first" } });
    expect(results[3]).toEqual({ index: 3, status: "rejected", caseId: "c4", error: { path: ["completions", 0, "model"], message: "run 'a' exists with model 'model-a', not 'another-model'" } });
    // Stored, graded wrong, and said so: the predicted intent is not in the taxonomy.
    expect(results[4]).toEqual({
      index: 4,
      status: "created",
      caseId: "c5",
      warnings: [{ path: ["completions", 0, "text"], message: "predicted intent 'mystery_intent' is not in the taxonomy: graded wrong", predictedIntent: "mystery_intent" }],
    });
    expect(results[5]).toMatchObject({ status: "rejected", caseId: "c6", error: { path: ["case"] } });
    expect(results[5].error.message).toMatch(/surprise/);
    expect(results[6]).toMatchObject({ index: 6, status: "rejected", caseId: null, error: { path: [] } });
    expect(results[7]).toMatchObject({ status: "rejected", error: { path: ["case", "id"], message: "case 'c5' appears twice in this batch" } });
    expect(results[8]).toMatchObject({ status: "rejected", error: { path: ["case", "messages"], message: "the last message must come from the user" } });
    const cases = await api.pool.query("SELECT external_id FROM cases WHERE project_id = $1 ORDER BY external_id", [p.projectId]);
    expect(cases.rows.map((r) => r.external_id)).toEqual(["c0", "c1", "c5"]);
    // An unknown predicted intent is graded wrong and flagged.
    const flagged = await api.pool.query("SELECT intent_verdict, unknown_intent, reward FROM completions WHERE project_id = $1 AND predicted_intent = 'mystery_intent'", [p.projectId]);
    expect(flagged.rows).toEqual([{ intent_verdict: "wrong", unknown_intent: true, reward: -1 }]);
  });

  it("answers 400 and stores nothing when every record is rejected, with the per-record results in details", async () => {
    const p = await projectWithKeys(INTENTS);
    const response = await ingest(p.keys.ingest, [record("c1", "no_such_intent"), record("c2", "get_refund", [{ run: "a", text: "x", latencyMs: -1 }])]);
    expectError(response, 400, "all_records_rejected");
    expect(response.json.error.message).toContain("record 0 at case.expectedIntent: unknown intent 'no_such_intent'");
    expect(response.json.error.details.summary).toEqual({ created: 0, updated: 0, unchanged: 0, rejected: 2 });
    expect(response.json.error.details.results[1]).toMatchObject({ index: 1, status: "rejected", error: { path: ["completions", 0, "latencyMs"] } });
    expect(await rowCounts(p.projectId)).toEqual({ cases: 0, completions: 0, policy_verdicts: 0, runs: 0, run_intent_stats: 0, run_confusion: 0 });
  });

  it("answers 413 naming the limit for 1,001 records (checked before the records) and for a body over 5 MB", async () => {
    const p = await projectWithKeys(INTENTS);
    const tooMany = await ingest(p.keys.ingest, Array.from({ length: 1001 }, () => ({ nonsense: true })));
    expectError(tooMany, 413, "too_many_records");
    expect(tooMany.json.error.message).toContain("at most 1,000 records");
    expect(tooMany.json.error.details).toEqual({ limit: 1000, count: 1001 });

    const big = "x".repeat(99_000);
    const records = Array.from({ length: 60 }, (_, i) => record(`big-${i}`, "get_refund", [], { messages: [{ role: "user", content: big }] }));
    const body = JSON.stringify({ records });
    expect(body.length).toBeGreaterThan(5_000_000);
    const tooBig = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, rawBody: body });
    expectError(tooBig, 413, "payload_too_large");
    expect(tooBig.json.error.message).toContain("5 MB");
    // The same 60 records in two requests fit.
    expect((await ingest(p.keys.ingest, records.slice(0, 30))).status).toBe(200);
    expect((await ingest(p.keys.ingest, records.slice(30))).status).toBe(200);
    // Exactly 1,000 records is allowed.
    const thousand = await ingest(p.keys.ingest, Array.from({ length: 1000 }, (_, i) => record(`k-${i}`, "track_refund")));
    expect(thousand.status).toBe(200);
    expect(thousand.json.summary.created).toBe(1000);
  });

  it("answers 400 for a bad envelope", async () => {
    const p = await projectWithKeys(INTENTS);
    for (const body of [[], "records", 42, null, {}, { records: "x" }, { records: { 0: {} } }, { records: [], extra: true }, { Records: [] }]) {
      const response = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, body });
      expectError(response, 400, "invalid_body");
    }
    const response = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, body: { records: [], extra: true } });
    expect(response.json.error.message).toMatch(/extra/);
  });

  it("replaying any batch 3 times leaves the database exactly as after the first", async () => {
    const p = await projectWithKeys(INTENTS);
    const batch = [
      record("r1", "get_refund", [
        { run: "a", text: text("get_refund"), latencyMs: 120, promptTokens: 50, completionTokens: 20, metadata: { temperature: 0 } },
        { run: "b", text: text("track_refund"), policy: { verdict: "pass", rationale: "asked for the number", judge: "external-judge", judgeVersion: "2" } },
      ], { tags: ["t1", "t2"], metadata: { channel: "email", nested: { a: [1, 2] } } }),
      record("r2", "cancel_order", [{ run: "a", text: "<analysis>x</analysis><intent>cancel_order</intent>" }, { run: "b", text: text("cancel_order", "The fee is $4.99."), policy: { verdict: "fail", judge: "external-judge" } }]),
      record("r3", "track_refund", [{ run: "a", text: text("unheard_of") }]),
      record("r4", "get_refund"),
    ];
    const first = await ingest(p.keys.ingest, batch);
    expect(first.status).toBe(200);
    expect(first.json.summary).toEqual({ created: 4, updated: 0, unchanged: 0, rejected: 0 });
    const before = await snapshot(p.projectId);
    expect(before.completions).toHaveLength(5);
    expect(before.policy_verdicts).toHaveLength(3); // two imported, one format error
    for (let i = 0; i < 3; i++) {
      const again = await ingest(p.keys.ingest, batch);
      expect(again.status).toBe(200);
      expect(again.json.summary).toEqual({ created: 0, updated: 0, unchanged: 4, rejected: 0 });
      expect(again.json.results.map((r: { status: string }) => r.status)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
    }
    expect(await snapshot(p.projectId)).toEqual(before);

    // A mixed batch (with rejections) replays as a no-op too.
    const mixed = [...batch.slice(0, 2), record("r9", "no_such_intent"), record("r10", "get_refund", [{ run: "a", text: text("get_refund") }])];
    expect((await ingest(p.keys.ingest, mixed)).status).toBe(207);
    const afterMixed = await snapshot(p.projectId);
    for (let i = 0; i < 3; i++) {
      const again = await ingest(p.keys.ingest, mixed);
      expect(again.status).toBe(207);
      expect(again.json.summary).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 1 });
    }
    expect(await snapshot(p.projectId)).toEqual(afterMixed);
  });

  it("replaces and re-grades a changed completion text, and re-grades on a ground truth update", async () => {
    const p = await projectWithKeys(INTENTS);
    await ingest(p.keys.ingest, [record("c1", "get_refund", [{ run: "a", text: text("get_refund") }, { run: "b", text: text("track_refund") }])]);
    const grades = async () =>
      (
        await api.pool.query(
          `SELECT r.name AS run, co.text, co.expected_intent, co.intent_verdict, co.predicted_intent, co.reward
             FROM completions co JOIN runs r ON r.id = co.run_id WHERE co.project_id = $1 ORDER BY r.name`,
          [p.projectId],
        )
      ).rows;
    const stats = async () =>
      (await api.pool.query("SELECT r.name AS run, s.expected_intent, s.total, s.correct, s.wrong, s.format_error FROM run_intent_stats s JOIN runs r ON r.id = s.run_id WHERE s.project_id = $1 AND s.total > 0 ORDER BY r.name, s.expected_intent", [p.projectId])).rows;

    // Changed text for run a: replaced (still one row) and re-graded.
    const changed = await ingest(p.keys.ingest, [record("c1", "get_refund", [{ run: "a", text: text("cancel_order") }, { run: "b", text: text("track_refund") }])]);
    expect(changed.status).toBe(200);
    expect(changed.json.results[0]).toEqual({ index: 0, status: "updated", caseId: "c1" });
    expect(await grades()).toEqual([
      { run: "a", text: text("cancel_order"), expected_intent: "get_refund", intent_verdict: "wrong", predicted_intent: "cancel_order", reward: -1 },
      { run: "b", text: text("track_refund"), expected_intent: "get_refund", intent_verdict: "wrong", predicted_intent: "track_refund", reward: -1 },
    ]);
    expect(await stats()).toEqual([
      { run: "a", expected_intent: "get_refund", total: 1, correct: 0, wrong: 1, format_error: 0 },
      { run: "b", expected_intent: "get_refund", total: 1, correct: 0, wrong: 1, format_error: 0 },
    ]);

    // Ground truth corrected to track_refund (no completions sent): run b becomes correct.
    const truth = await ingest(p.keys.ingest, [record("c1", "track_refund")]);
    expect(truth.json.results[0].status).toBe("updated");
    expect((await grades()).map((g) => [g.run, g.expected_intent, g.intent_verdict, g.reward])).toEqual([
      ["a", "track_refund", "wrong", -1],
      ["b", "track_refund", "correct", 1],
    ]);
    expect(await stats()).toEqual([
      { run: "a", expected_intent: "track_refund", total: 1, correct: 0, wrong: 1, format_error: 0 },
      { run: "b", expected_intent: "track_refund", total: 1, correct: 1, wrong: 0, format_error: 0 },
    ]);
    const confusion = await api.pool.query("SELECT r.name AS run, c.expected_intent, c.predicted, c.n FROM run_confusion c JOIN runs r ON r.id = c.run_id WHERE c.project_id = $1 AND c.n > 0 ORDER BY r.name", [p.projectId]);
    expect(confusion.rows).toEqual([
      { run: "a", expected_intent: "track_refund", predicted: "cancel_order", n: 1 },
      { run: "b", expected_intent: "track_refund", predicted: "track_refund", n: 1 },
    ]);
  });

  it("stores an imported policy verdict with its judge name and the guideline version", async () => {
    const p = await projectWithKeys(INTENTS);
    const response = await ingest(p.keys.ingest, [
      record("c1", "cancel_order", [
        { run: "a", text: text("cancel_order", "A $4.99 fee applies."), policy: { verdict: "pass", rationale: "mentions the fee", judge: "gpt-judge", judgeVersion: "2026-01" } },
        { run: "b", text: text("get_refund", "Sure."), policy: { verdict: "fail", judge: "human-panel" } },
      ]),
    ]);
    expect(response.status).toBe(200);
    const verdicts = await api.pool.query(
      `SELECT r.name AS run, pv.verdict, pv.rationale, pv.judge_name, pv.judge_version, pv.guideline_version, pv.source, co.policy_verdict
         FROM policy_verdicts pv JOIN completions co ON co.project_id = pv.project_id AND co.id = pv.completion_id JOIN runs r ON r.id = co.run_id
        WHERE pv.project_id = $1 ORDER BY r.name`,
      [p.projectId],
    );
    expect(verdicts.rows).toEqual([
      { run: "a", verdict: "pass", rationale: "mentions the fee", judge_name: "gpt-judge", judge_version: "2026-01", guideline_version: 1, source: "imported", policy_verdict: "pass" },
      { run: "b", verdict: "fail", rationale: "", judge_name: "human-panel", judge_version: "", guideline_version: 1, source: "imported", policy_verdict: "fail" },
    ]);
  });

  it("stores each case exactly once when concurrent requests create the same cases", async () => {
    const p = await projectWithKeys(INTENTS);
    const ids = Array.from({ length: 40 }, (_, i) => `same-${i}`);
    const batches = Array.from({ length: 6 }, (_, k) => {
      const order = k % 2 === 0 ? ids : [...ids].reverse();
      return order.map((id) => record(id, "get_refund", [{ run: "a", text: text("get_refund") }, { run: `r${k % 3}`, text: text("track_refund") }]));
    });
    const responses = await Promise.all(batches.map((batch) => ingest(p.keys.ingest, batch)));
    for (const response of responses) {
      expect([200, 409], JSON.stringify(response.json)).toContain(response.status);
      if (response.status === 409) expect(response.headers.get("retry-after")).toBeTruthy();
    }
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    const counts = await api.pool.query<{ external_id: string; n: number }>("SELECT external_id, count(*)::int AS n FROM cases WHERE project_id = $1 GROUP BY external_id", [p.projectId]);
    expect(counts.rows).toHaveLength(40);
    expect(counts.rows.every((r) => r.n === 1)).toBe(true);
    const completions = await api.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM completions WHERE project_id = $1 GROUP BY case_id, run_id HAVING count(*) > 1", [p.projectId]);
    expect(completions.rows).toEqual([]);
  });
});

describe("keys and projects", () => {
  it("checks scopes: a read key cannot ingest, an ingest key cannot change the taxonomy", async () => {
    const p = await projectWithKeys(INTENTS);
    const readIngest = await ingest(p.keys.read, [record("c1", "get_refund")]);
    expectError(readIngest, 403, "forbidden");
    const ingestPut = await call("PUT", "/api/v1/intents", { key: p.keys.ingest, body: { intents: INTENTS } });
    expectError(ingestPut, 403, "forbidden");
    expectError(await ingest("", [record("c1", "get_refund")]), 401, "unauthorized");
    expect(await rowCounts(p.projectId)).toMatchObject({ cases: 0, runs: 0 });
    // An admin key may ingest.
    expect((await ingest(p.keys.admin, [record("c1", "get_refund")])).status).toBe(200);
  });

  it("writes only into the key's own project, and a key never sees another project's taxonomy", async () => {
    const a = await projectWithKeys(INTENTS);
    const b = await projectWithKeys([{ id: "only_in_b", label: "Only in B", policy: "B's policy." }]);
    const bBefore = await snapshot(b.projectId);
    const response = await ingest(a.keys.ingest, [record("shared-id", "get_refund", [{ run: "a", text: text("get_refund") }])]);
    expect(response.status).toBe(200);
    expect(await snapshot(b.projectId)).toEqual(bBefore);
    expect(await rowCounts(a.projectId)).toMatchObject({ cases: 1, completions: 1, runs: 1 });
    // B's intent is unknown to A: A's key cannot write a case of B's taxonomy anywhere.
    const crossed = await ingest(a.keys.ingest, [record("x", "only_in_b")]);
    expectError(crossed, 400, "all_records_rejected");
    // The same case id in B is B's own case.
    expect((await ingest(b.keys.ingest, [record("shared-id", "only_in_b")])).json.results[0].status).toBe("created");
    const listA = await call("GET", "/api/v1/intents", { key: a.keys.read });
    expect(listA.json.intents.map((i: { id: string }) => i.id)).toEqual(["cancel_order", "get_refund", "track_refund"]);
    const listB = await call("GET", "/api/v1/intents", { key: b.keys.read });
    expect(listB.json.intents.map((i: { id: string }) => i.id)).toEqual(["only_in_b"]);
  });
});

describe("bad input gets a clear 4xx and changes nothing", () => {
  const valid = () => record("ok-1", "get_refund", [{ run: "a", text: text("get_refund") }]);
  const json = (value: unknown) => JSON.stringify(value);
  const deep = (levels: number) => `{"records":[${"[".repeat(levels)}${"]".repeat(levels)}]}`;
  const corpus: { name: string; body: string | Uint8Array; status: number; code?: string; contentType?: string }[] = [
    { name: "invalid JSON (truncated)", body: '{"records": [', status: 400, code: "invalid_json" },
    { name: "invalid JSON (unquoted keys)", body: "{records: []}", status: 400, code: "invalid_json" },
    { name: "invalid JSON (trailing comma)", body: '{"records": [],}', status: 400, code: "invalid_json" },
    { name: "invalid JSON (single quotes)", body: "{'records': []}", status: 400, code: "invalid_json" },
    { name: "empty body", body: "", status: 400, code: "invalid_json" },
    { name: "wrong type: case is a string", body: json({ records: [{ case: "c1", completions: [] }] }), status: 400, code: "all_records_rejected" },
    { name: "wrong type: messages is an object", body: json({ records: [record("c1", "get_refund", [], { messages: { role: "user", content: "x" } })] }), status: 400 },
    { name: "wrong type: latencyMs is a string", body: json({ records: [record("c1", "get_refund", [{ run: "a", text: "x", latencyMs: "12" }])] }), status: 400 },
    { name: "wrong type: text is a number", body: json({ records: [record("c1", "get_refund", [{ run: "a", text: 5 as unknown as string }])] }), status: 400 },
    { name: "wrong type: completions is a string", body: json({ records: [{ ...valid(), completions: "none" }] }), status: 400 },
    { name: "missing case", body: json({ records: [{ completions: [] }] }), status: 400 },
    { name: "missing messages", body: json({ records: [{ case: { id: "c1", expectedIntent: "get_refund" } }] }), status: 400 },
    { name: "missing completion text", body: json({ records: [record("c1", "get_refund", [{ run: "a" } as Completion])] }), status: 400 },
    { name: "missing records", body: json({}), status: 400, code: "invalid_body" },
    { name: "unknown top-level field", body: json({ records: [valid()], dryRun: true }), status: 400, code: "invalid_body" },
    { name: "unknown record field", body: json({ records: [{ ...valid(), extra: 1 }] }), status: 400 },
    { name: "unknown case field", body: json({ records: [record("c1", "get_refund", [], { priority: "high" })] }), status: 400 },
    { name: "unknown completion field", body: json({ records: [record("c1", "get_refund", [{ run: "a", text: "x", score: 1 }])] }), status: 400 },
    { name: "empty messages", body: json({ records: [record("c1", "get_refund", [], { messages: [] })] }), status: 400 },
    { name: "bad role", body: json({ records: [record("c1", "get_refund", [], { messages: [{ role: "robot", content: "x" }] })] }), status: 400 },
    { name: "10 MB body", body: json({ records: [record("c1", "get_refund", [], { messages: [{ role: "user", content: "y".repeat(10_000_000) }] })] }), status: 413, code: "payload_too_large" },
    { name: "10,000 levels of nesting", body: deep(10_000), status: 400, code: "too_deep" },
    { name: "100 levels of nesting in metadata", body: json({ records: [record("c1", "get_refund", [], { metadata: JSON.parse(`${'{"a":'.repeat(100)}1${"}".repeat(100)}`) })] }), status: 400, code: "too_deep" },
    { name: "raw NUL byte in a string", body: `{"records":[{"case":{"id":"c\u0000","messages":[],"expectedIntent":"get_refund"}}]}`, status: 400 },
    { name: "raw NUL byte outside strings", body: `{"records":\u0000[]}`, status: 400, code: "invalid_json" },
    { name: "\\u0000 escape in content", body: json({ records: [record("c1", "get_refund", [], { messages: [{ role: "user", content: "a\u0000b" }] })] }), status: 400, code: "invalid_text" },
    { name: "\\u0000 escape in a key", body: '{"records":[{"case":{"id":"c1","messages":[{"role":"user","content":"x"}],"expectedIntent":"get_refund","metadata":{"k\\u0000":1}}}]}', status: 400, code: "invalid_text" },
    { name: "lone surrogate \\ud800 escape", body: '{"records":[{"case":{"id":"c1","messages":[{"role":"user","content":"x\\ud800y"}],"expectedIntent":"get_refund"}}]}', status: 400, code: "invalid_text" },
    { name: "lone low surrogate \\udc00 escape in completion text", body: json({ records: [record("c1", "get_refund", [{ run: "a", text: "ok" }])] }).replace('"ok"', '"\\udc00"'), status: 400, code: "invalid_text" },
    { name: "invalid UTF-8 bytes", body: Buffer.concat([Buffer.from('{"records":[{"case":{"id":"c'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","messages":[{"role":"user","content":"x"}],"expectedIntent":"get_refund"}}]}')]), status: 400, code: "invalid_encoding" },
    { name: "overlong UTF-8 encoding", body: Buffer.concat([Buffer.from('{"records":[{"case":{"id":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}}]}')]), status: 400, code: "invalid_encoding" },
    { name: "1 MB message", body: json({ records: [record("c1", "get_refund", [], { messages: [{ role: "user", content: "m".repeat(1_000_000) }] })] }), status: 400, code: "all_records_rejected" },
    { name: "negative latency", body: json({ records: [record("c1", "get_refund", [{ run: "a", text: text("get_refund"), latencyMs: -1 }])] }), status: 400, code: "all_records_rejected" },
    { name: "fractional tokens", body: json({ records: [record("c1", "get_refund", [{ run: "a", text: text("get_refund"), promptTokens: 1.5 }])] }), status: 400 },
    { name: "token count beyond a 32-bit integer", body: json({ records: [record("c1", "get_refund", [{ run: "a", text: text("get_refund"), completionTokens: 3_000_000_000 }])] }), status: 400 },
    { name: "number overflowing to Infinity", body: '{"records":[{"case":{"id":"c1","messages":[{"role":"user","content":"x"}],"expectedIntent":"get_refund","metadata":{"n":1e400}}}]}', status: 400 },
    { name: "empty case id", body: json({ records: [record("   ", "get_refund")] }), status: 400 },
    { name: "upper-case intent", body: json({ records: [record("c1", "Get_Refund")] }), status: 400 },
    { name: "completion text over 200,000 characters", body: json({ records: [record("c1", "get_refund", [{ run: "a", text: "t".repeat(200_001) }])] }), status: 400 },
    { name: "one run twice in a record", body: json({ records: [record("c1", "get_refund", [{ run: "a", text: "x" }, { run: "a", text: "y" }])] }), status: 400 },
    { name: "text/plain body", body: json({ records: [valid()] }), status: 415, contentType: "text/plain" },
  ];

  it("for each input in the corpus", async () => {
    const p = await projectWithKeys(INTENTS);
    const before = await rowCounts(p.projectId);
    for (const entry of corpus) {
      const response = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, rawBody: entry.body, headers: entry.contentType ? { "content-type": entry.contentType } : {} });
      expect(response.status, `${entry.name}: ${JSON.stringify(response.json).slice(0, 300)}`).toBe(entry.status);
      expect(typeof response.json.error?.code, entry.name).toBe("string");
      expect(response.json.error.message.length, entry.name).toBeGreaterThan(10);
      if (entry.code) expect(response.json.error.code, entry.name).toBe(entry.code);
      expect(await rowCounts(p.projectId), entry.name).toEqual(before);
    }
    // The server is fine afterwards, and a valid request goes through.
    expect((await ingest(p.keys.ingest, [valid()])).status).toBe(200);
  });

  it("names what is wrong in the message", async () => {
    const p = await projectWithKeys(INTENTS);
    const big = await ingest(p.keys.ingest, [record("c1", "get_refund", [], { messages: [{ role: "user", content: "m".repeat(1_000_000) }] })]);
    expect(big.json.error.message).toContain("message content is at most 100,000 characters");
    expect(big.json.error.message).toContain("case.messages.0.content");
    const negative = await ingest(p.keys.ingest, [record("c1", "get_refund", [{ run: "a", text: "x", latencyMs: -1 }])]);
    expect(negative.json.error.message).toContain("completions.0.latencyMs");
    const nul = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, body: { records: [record("c1", "get_refund", [], { messages: [{ role: "user", content: "a\u0000b" }] })] } });
    expect(nul.json.error.message).toContain("NUL");
    expect(nul.json.error.message).toContain("/records/0/case/messages/0/content");
    const tooBig = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, rawBody: "x".repeat(6_000_000) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.error.message).toBe("request body is larger than the limit of 5 MB");
  });
});
