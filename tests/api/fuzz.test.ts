/**
 * Property-based fuzzing of the write API over real HTTP: thousands of
 * generated requests (valid-ish records with mutated fields, random JSON,
 * random strings and bytes) against /api/v1/ingest and /api/v1/feedback/intent,
 * four at a time. The property: never a 5xx, never a hang, and every error is
 * the JSON error shape; afterwards the aggregates still match the rows.
 */
import fc from "fast-check";
import { inject } from "vitest";
import { afterAll, describe, expect, it } from "vitest";
import { projectWithKeys, useApi } from "./helpers";
import { INTENTS } from "./fixtures";

const api = useApi();
afterAll(() => api.close());


const CONCURRENCY = 4;
const INGEST_RUNS = 330; // x 4 requests
const FEEDBACK_RUNS = 200; // x 4 requests
const SEED = Number(process.env.IB_FUZZ_SEED ?? 20261127);

// ---------------------------------------------------------------------------
// Generators

const intentId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("cancel_order", "get_refund", "track_refund") },
  { weight: 1, arbitrary: fc.constantFrom("unknown_intent_x", "Get_Refund", "", " ", "a".repeat(101), "bad intent") },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
);

const anyText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom("", " ", "\t\n", "\\", '"', "\u2028", "<", "</intent>", "\u{1F600}", "x".repeat(300)),
);

const completionText = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(intentId, fc.string({ maxLength: 30 })).map(([intent, reply]) => `<analysis>The customer wants ${intent}.</analysis><intent>${intent}</intent> ${reply || "Sure."}`) },
  { weight: 2, arbitrary: fc.tuple(anyText, anyText, anyText).map(([a, i, r]) => `<analysis>${a}</analysis><intent>${i}</intent>${r}`) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom("<analysis>", "</analysis>", "<intent>", "</intent>", "<Intent>", "< intent >", "x", " ", "get_refund", "<"), { maxLength: 12 }).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: anyText },
);

const smallInt = fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.constantFrom(0, -1, 2_147_483_647, 2_147_483_648, 86_400_001, 1.5, Number.MAX_SAFE_INTEGER, 1e300));
const metadata = fc.dictionary(anyText, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

const completion = fc.record(
  {
    run: fc.oneof(fc.constantFrom("run-a", "run-b", "run-c"), anyText),
    model: fc.constantFrom("model-1", "model-2", "", "model-3"),
    text: completionText,
    latencyMs: smallInt,
    promptTokens: smallInt,
    completionTokens: smallInt,
    policy: fc.record(
      { verdict: fc.constantFrom("pass", "fail", "pending", "PASS"), rationale: anyText, judge: fc.oneof(fc.constantFrom("judge-1", "judge-2"), anyText), judgeVersion: anyText },
      { requiredKeys: ["verdict", "judge"] },
    ),
    metadata,
  },
  { requiredKeys: ["run", "model", "text"] },
);

const message = fc.record({ role: fc.constantFrom("user", "user", "assistant", "system", "robot"), content: anyText });

const caseValue = fc.record(
  {
    id: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => `case-${n}`) }, { weight: 1, arbitrary: anyText }),
    messages: fc.array(message, { minLength: 0, maxLength: 3 }).map((messages) => (messages.length > 0 ? [...messages.slice(0, -1), { ...messages.at(-1)!, role: messages.at(-1)!.role === "robot" ? "robot" : "user" }] : messages)),
    expectedIntent: intentId,
    tags: fc.array(anyText, { maxLength: 3 }),
    metadata,
  },
  { requiredKeys: ["id", "messages", "expectedIntent"] },
);

const validish = fc.record({ case: caseValue, completions: fc.array(completion, { maxLength: 3 }) });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value`. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

/** Applies one mutation at a path: replace with random JSON, delete, or add an unknown field. */
function mutate(root: Json, pick: number, op: "replace" | "delete" | "add", replacement: Json): Json {
  const copy = structuredClone(root);
  const all = paths(copy);
  const path = all[pick % all.length]!;
  if (path.length === 0) return op === "replace" ? replacement : copy;
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key as string]!, copy) as Record<string | number, Json>;
  const key = path.at(-1)!;
  if (op === "replace") parent[key] = replacement;
  else if (op === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (typeof parent === "object" && parent !== null && !Array.isArray(parent)) parent[`unknown_${String(key)}`] = replacement;
  return copy;
}

const mutation = fc.record({ pick: fc.nat(), op: fc.constantFrom("replace" as const, "delete" as const, "add" as const), value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> });
const mutated = <T>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, fc.array(mutation, { maxLength: 2 })).map(([value, mutations]) => mutations.reduce((acc, m) => mutate(acc, m.pick, m.op, m.value), value as unknown as Json));

type Req = { path: string; body: string | Uint8Array; contentType?: string };

const asJson = (path: string) => (value: unknown): Req => ({ path, body: JSON.stringify(value) ?? "null" });

/** Text with a random edit: a character inserted, removed or replaced (broken JSON, control characters, escapes). */
const corrupted = (arb: fc.Arbitrary<string>) =>
  fc.tuple(arb, fc.nat(), fc.constantFrom("insert", "remove", "replace"), fc.constantFrom("\u0000", "\\u0000", "\\ud800", "\\", '"', "{", "]", ",", "\u001f", "\udc00", "é", "1e999"))
    .map(([text, at, op, piece]) => {
      const i = text.length === 0 ? 0 : at % text.length;
      return op === "insert" ? text.slice(0, i) + piece + text.slice(i) : op === "remove" ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + piece + text.slice(i + 1);
    });

const randomBodies = (path: string) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map(asJson(path)),
    fc.string({ unit: "binary", maxLength: 200 }).map((body): Req => ({ path, body })),
    fc.uint8Array({ maxLength: 300 }).map((body): Req => ({ path, body })),
    fc.integer({ min: 60, max: 200 }).map((depth): Req => ({ path, body: `${"[".repeat(depth)}${"]".repeat(depth)}` })),
  );

const ingestRequest: fc.Arbitrary<Req> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.oneof({ weight: 2, arbitrary: validish }, { weight: 3, arbitrary: mutated(validish) }), { maxLength: 6 }).map((records) => asJson("/api/v1/ingest")({ records })) },
  { weight: 2, arbitrary: mutated(fc.array(validish, { maxLength: 3 }).map((records) => ({ records }))).map(asJson("/api/v1/ingest")) },
  { weight: 2, arbitrary: corrupted(fc.array(validish, { minLength: 1, maxLength: 2 }).map((records) => JSON.stringify({ records }))).map((body): Req => ({ path: "/api/v1/ingest", body })) },
  { weight: 2, arbitrary: randomBodies("/api/v1/ingest") },
  { weight: 1, arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "").map((contentType): Req => ({ path: "/api/v1/ingest", body: '{"records":[]}', contentType })) },
);

const feedbackItem = fc.record({ completion: completionText, expectedIntent: intentId });
const feedbackRequest: fc.Arbitrary<Req> = fc.oneof(
  { weight: 4, arbitrary: feedbackItem.map(asJson("/api/v1/feedback/intent")) },
  { weight: 3, arbitrary: mutated(feedbackItem).map(asJson("/api/v1/feedback/intent")) },
  { weight: 2, arbitrary: corrupted(feedbackItem.map((item) => JSON.stringify(item))).map((body): Req => ({ path: "/api/v1/feedback/intent", body })) },
  { weight: 2, arbitrary: randomBodies("/api/v1/feedback/intent") },
  { weight: 1, arbitrary: fc.array(fc.oneof(feedbackItem, mutated(feedbackItem)), { maxLength: 20 }).map((items) => asJson("/api/v1/feedback/intent/batch")({ items })) },
);

// ---------------------------------------------------------------------------
// Sending and checking

const baseUrl = inject("baseUrl");
const statuses = new Map<number, number>();
let sent = 0;

async function send(key: string, request: Req): Promise<string | null> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (request.contentType !== "") headers["content-type"] = request.contentType ?? "application/json";
  const body = typeof request.body === "string" ? request.body : new Blob([new Uint8Array(request.body)]);
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${request.path}`, { method: "POST", headers, body, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    return `no answer: ${(error as Error).message}`;
  }
  sent++;
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  const text = await response.text();
  if (response.status >= 500) return `${response.status}: ${text.slice(0, 300)}`;
  let json: Record<string, any>;
  try {
    json = JSON.parse(text);
  } catch {
    return `${response.status} without a JSON body: ${text.slice(0, 200)}`;
  }
  if (response.status >= 400) {
    if (typeof json.error?.code !== "string" || typeof json.error?.message !== "string") return `${response.status} without the error shape: ${text.slice(0, 200)}`;
  } else if (request.path === "/api/v1/ingest") {
    const sentBody = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body);
    const records = (JSON.parse(sentBody) as { records?: unknown[] }).records ?? [];
    if (!Array.isArray(json.results) || json.results.length !== records.length) return `${response.status} with ${json.results?.length} results for ${records.length} records`;
    if (response.status === 200 && json.summary.rejected !== 0) return "200 with rejected records";
    if (response.status === 207 && json.summary.rejected === 0) return "207 without rejected records";
  } else if (request.path === "/api/v1/feedback/intent") {
    if (typeof json.reward !== "number" || !["correct", "wrong", "format_error"].includes(json.verdict)) return `bad feedback answer ${text.slice(0, 200)}`;
  }
  return null;
}

function property(key: string, request: fc.Arbitrary<Req>) {
  return fc.asyncProperty(fc.array(request, { minLength: CONCURRENCY, maxLength: CONCURRENCY }), async (requests) => {
    const problems = await Promise.all(requests.map((r) => send(key, r)));
    const found = problems.find((p) => p !== null);
    if (found) throw new Error(found);
  });
}

describe("fuzzing the write API", () => {
  it(`never answers 5xx to ${INGEST_RUNS * CONCURRENCY} generated ingest requests`, async () => {
    const p = await projectWithKeys(INTENTS);
    await fc.assert(property(p.keys.ingest, ingestRequest), { numRuns: INGEST_RUNS, seed: SEED, endOnFailure: true });
    // The trigger-maintained aggregates still agree with the rows the fuzzing left.
    const mismatch = await api.pool.query(
      `WITH actual AS (
         SELECT run_id, expected_intent, count(*)::bigint AS total,
                count(*) FILTER (WHERE intent_verdict = 'correct')::bigint AS correct,
                count(*) FILTER (WHERE intent_verdict = 'format_error')::bigint AS format_error
           FROM completions WHERE project_id = $1 GROUP BY run_id, expected_intent)
       SELECT * FROM actual a FULL JOIN (SELECT * FROM run_intent_stats WHERE project_id = $1 AND total > 0) s USING (run_id, expected_intent)
        WHERE a.total IS DISTINCT FROM s.total OR a.correct IS DISTINCT FROM s.correct OR a.format_error IS DISTINCT FROM s.format_error`,
      [p.projectId],
    );
    expect(mismatch.rows).toEqual([]);
    const stored = await api.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM completions WHERE project_id = $1", [p.projectId]);
    expect(stored.rows[0]!.n).toBeGreaterThan(0); // the valid-ish records did get through
  });

  it(`never answers 5xx to ${FEEDBACK_RUNS * CONCURRENCY} generated feedback requests`, async () => {
    const p = await projectWithKeys(INTENTS);
    await fc.assert(property(p.keys.ingest, feedbackRequest), { numRuns: FEEDBACK_RUNS, seed: SEED + 1, endOnFailure: true });
  });

  it("sent at least 2,000 requests, with a mix of answers", () => {
    console.log(`fuzz: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(sent).toBeGreaterThanOrEqual(2000);
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    for (const status of [200, 207, 400]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
  });
});
