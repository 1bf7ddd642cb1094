/**
 * POST /api/v1/feedback/intent (+ /batch) over real HTTP: the same grader,
 * taxonomy and rewards as ingestion, limits and scopes.
 */
import { afterAll, describe, expect, it } from "vitest";
import { call, projectWithKeys, useApi } from "./helpers";
import { INTENTS } from "./fixtures";

const api = useApi();
afterAll(() => api.close());


const text = (intent: string, reply = "Happy to help.") => `<analysis>The customer wants ${intent}.</analysis><intent>${intent}</intent> ${reply}`;

/** Completions covering every verdict and several format errors. */
const SAMPLES: { completion: string; expectedIntent: string }[] = [
  { completion: text("get_refund"), expectedIntent: "get_refund" },
  { completion: "  <analysis>a</analysis>\n<intent>  Get_Refund </intent>\n Sure thing. ", expectedIntent: "get_refund" },
  { completion: text("track_refund"), expectedIntent: "get_refund" },
  { completion: text("invented_intent"), expectedIntent: "cancel_order" },
  { completion: "no tags at all", expectedIntent: "cancel_order" },
  { completion: "<analysis>a</analysis><intent>cancel_order</intent>", expectedIntent: "cancel_order" },
  { completion: "<analysis>a</analysis><intent></intent> reply", expectedIntent: "cancel_order" },
  { completion: "<intent>cancel_order</intent><analysis>a</analysis> reply", expectedIntent: "cancel_order" },
  { completion: "<analysis>a</analysis><Intent>cancel_order</Intent> reply", expectedIntent: "cancel_order" },
  { completion: "<analysis>a</analysis><intent>cancel_order</intent><intent>x</intent> reply", expectedIntent: "cancel_order" },
  { completion: "", expectedIntent: "track_refund" },
];

/**
 * The answer for each of SAMPLES, worked out by hand from docs/grading.md (taxonomy: INTENTS; default
 * rewards 1 / -1 / -1), not by the grader under test: the endpoint calls that same grader.
 */
const formatError = (code: string, message: string) => ({ reward: -1, verdict: "format_error", predictedIntent: null, formatError: code, formatErrorMessage: message, unknownIntent: false });
const GRADES = [
  { reward: 1, verdict: "correct", predictedIntent: "get_refund", formatError: null, formatErrorMessage: null, unknownIntent: false },
  // Whitespace around the tags is free; the intent is trimmed and lower-cased.
  { reward: 1, verdict: "correct", predictedIntent: "get_refund", formatError: null, formatErrorMessage: null, unknownIntent: false },
  { reward: -1, verdict: "wrong", predictedIntent: "track_refund", formatError: null, formatErrorMessage: null, unknownIntent: false },
  { reward: -1, verdict: "wrong", predictedIntent: "invented_intent", formatError: null, formatErrorMessage: null, unknownIntent: true },
  formatError("missing_analysis", "the <analysis> tag is missing"),
  formatError("empty_reply", "there is no reply to the customer after </intent>"),
  formatError("empty_intent", "the <intent> tag is empty"),
  formatError("out_of_order", "found <intent> where <analysis> was expected; the order must be <analysis>…</analysis><intent>…</intent> reply"),
  // `<analysis>a</analysis>` is 22 characters, so `<Intent>` starts at offset 22.
  formatError("malformed_tag", 'malformed tag "<Intent>" at offset 22: tags must be exactly <analysis>, </analysis>, <intent> and </intent> (lower-case, no spaces or attributes)'),
  // Both <intent> and </intent> come twice; the second <intent> comes first.
  formatError("duplicate_tag", "the <intent> tag appears twice"),
  formatError("missing_analysis", "the <analysis> tag is missing"),
];

const feedback = (key: string, body: unknown) => call("POST", "/api/v1/feedback/intent", { key, body });
const batch = (key: string, items: unknown[]) => call("POST", "/api/v1/feedback/intent/batch", { key, body: { items } });

describe("POST /api/v1/feedback/intent", () => {
  it("grades with the one grader and the project's taxonomy", async () => {
    const p = await projectWithKeys(INTENTS);
    expect(GRADES).toHaveLength(SAMPLES.length);
    for (const [i, sample] of SAMPLES.entries()) {
      const response = await feedback(p.keys.ingest, sample);
      expect(response.status).toBe(200);
      expect(response.json, JSON.stringify(sample.completion)).toEqual(GRADES[i]);
    }
    expect((await feedback(p.keys.ingest, SAMPLES[0])).json).toMatchObject({ reward: 1, verdict: "correct", predictedIntent: "get_refund" });
    expect((await feedback(p.keys.ingest, SAMPLES[3])).json).toMatchObject({ reward: -1, verdict: "wrong", predictedIntent: "invented_intent", unknownIntent: true });
    expect((await feedback(p.keys.ingest, SAMPLES[4])).json).toMatchObject({ reward: -1, verdict: "format_error", predictedIntent: null, formatError: "missing_analysis" });
  });

  it("gives exactly the verdict and reward that ingestion stores, with the project's rewards", async () => {
    const p = await projectWithKeys(INTENTS);
    await api.pool.query("UPDATE projects SET reward_correct = 2.5, reward_wrong = -0.5, reward_format_error = -3 WHERE id = $1", [p.projectId]);
    const records = SAMPLES.map((sample, i) => ({
      case: { id: `c${i}`, messages: [{ role: "user", content: "hello" }], expectedIntent: sample.expectedIntent },
      completions: [{ run: "policy-model", model: "small", text: sample.completion }],
    }));
    expect((await call("POST", "/api/v1/ingest", { key: p.keys.ingest, body: { records } })).status).toBe(200);
    const stored = await api.pool.query<{ external_id: string; intent_verdict: string; predicted_intent: string | null; reward: number; unknown_intent: boolean; format_error: string | null }>(
      `SELECT ca.external_id, co.intent_verdict, co.predicted_intent, co.reward, co.unknown_intent, co.format_error
         FROM completions co JOIN cases ca ON ca.project_id = co.project_id AND ca.id = co.case_id WHERE co.project_id = $1`,
      [p.projectId],
    );
    const byCase = new Map(stored.rows.map((row) => [row.external_id, row]));
    const single = await Promise.all(SAMPLES.map((sample) => feedback(p.keys.ingest, sample)));
    const many = await batch(p.keys.ingest, SAMPLES);
    expect(many.status).toBe(200);
    SAMPLES.forEach((_, i) => {
      const row = byCase.get(`c${i}`)!;
      const want = { reward: row.reward, verdict: row.intent_verdict, predictedIntent: row.predicted_intent, unknownIntent: row.unknown_intent, formatError: row.format_error };
      expect(single[i]!.json).toMatchObject(want);
      expect(many.json.results[i]).toMatchObject(want);
    });
    expect(new Set(stored.rows.map((r) => r.reward))).toEqual(new Set([2.5, -0.5, -3]));
  });

  it("rejects an unknown expected intent, bad bodies and oversized completions with 400", async () => {
    const p = await projectWithKeys(INTENTS);
    const unknown = await feedback(p.keys.ingest, { completion: text("x"), expectedIntent: "not_in_taxonomy" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: "unknown_intent", message: "unknown intent 'not_in_taxonomy': add it to the taxonomy first" });
    for (const body of [{}, { completion: "x" }, { expectedIntent: "get_refund" }, { completion: 5, expectedIntent: "get_refund" }, { completion: "x", expectedIntent: "get_refund", extra: 1 }, [], "x"]) {
      const response = await feedback(p.keys.ingest, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.error.code).toBe("invalid_body");
    }
    const max = await feedback(p.keys.ingest, { completion: text("get_refund", "r".repeat(200_000 - text("get_refund", "").length)), expectedIntent: "get_refund" });
    expect(max.status).toBe(200);
    expect(max.json.verdict).toBe("correct");
    const over = await feedback(p.keys.ingest, { completion: "c".repeat(200_001), expectedIntent: "get_refund" });
    expect(over.status).toBe(400);
    expect(over.json.error.message).toContain("200,000 characters");
    const nul = await feedback(p.keys.ingest, { completion: "a\u0000", expectedIntent: "get_refund" });
    expect(nul.status).toBe(400);
    const huge = await call("POST", "/api/v1/feedback/intent", { key: p.keys.ingest, rawBody: JSON.stringify({ completion: "z".repeat(3_000_000), expectedIntent: "get_refund" }) });
    expect(huge.status).toBe(413);
  });

  it("needs an ingest (or admin) key of the project", async () => {
    const p = await projectWithKeys(INTENTS);
    expect((await feedback(p.keys.read, SAMPLES[0])).status).toBe(403);
    expect((await feedback(p.keys.admin, SAMPLES[0])).status).toBe(200);
    expect((await feedback("", SAMPLES[0])).status).toBe(401);
    // Another project's taxonomy is not this key's.
    const other = await projectWithKeys([{ id: "only_elsewhere", label: "Elsewhere", policy: "x" }]);
    expect((await feedback(other.keys.ingest, SAMPLES[0])).status).toBe(400);
    expect((await feedback(other.keys.ingest, { completion: text("only_elsewhere"), expectedIntent: "only_elsewhere" })).json.verdict).toBe("correct");
  });
});

describe("POST /api/v1/feedback/intent/batch", () => {
  it("grades every item, in order, like the single form", async () => {
    const p = await projectWithKeys(INTENTS);
    const items = Array.from({ length: 500 }, (_, i) => SAMPLES[i % SAMPLES.length]!);
    const response = await batch(p.keys.ingest, items);
    expect(response.status).toBe(200);
    expect(response.json.results).toHaveLength(500);
    response.json.results.forEach((result: Record<string, unknown>, i: number) => {
      expect(result, `item ${i}`).toEqual(GRADES[i % SAMPLES.length]);
    });
    expect((await batch(p.keys.ingest, [])).json).toEqual({ results: [] });
  });

  it("takes 10,000 items and answers 413 for 10,001 or a body over 20 MB", async () => {
    const p = await projectWithKeys(INTENTS);
    const item = { completion: text("get_refund"), expectedIntent: "get_refund" };
    const full = await batch(p.keys.ingest, Array.from({ length: 10_000 }, () => item));
    expect(full.status).toBe(200);
    expect(full.json.results).toHaveLength(10_000);
    const tooMany = await batch(p.keys.ingest, Array.from({ length: 10_001 }, () => ({})));
    expect(tooMany.status).toBe(413);
    expect(tooMany.json.error.message).toContain("at most 10,000 items");
    const bigItem = { completion: "b".repeat(150_000), expectedIntent: "get_refund" };
    const tooBig = await batch(p.keys.ingest, Array.from({ length: 150 }, () => bigItem));
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.error.message).toContain("20 MB");
  });

  it("answers 400 naming the invalid items, grading nothing", async () => {
    const p = await projectWithKeys(INTENTS);
    const good = { completion: text("get_refund"), expectedIntent: "get_refund" };
    const response = await batch(p.keys.ingest, [good, { completion: 1, expectedIntent: "get_refund" }, good, { completion: "x", expectedIntent: "nope" }, "junk"]);
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(/3 invalid items.*items\.1\.completion/);
    expect(response.json.error.details.map((d: { path: unknown[] }) => d.path)).toEqual([["items", 1, "completion"], ["items", 3, "expectedIntent"], ["items", 4]]);
    for (const body of [{}, { items: "x" }, { items: [], extra: 1 }]) {
      const bad = await call("POST", "/api/v1/feedback/intent/batch", { key: p.keys.ingest, body });
      expect(bad.status).toBe(400);
    }
  });
});
