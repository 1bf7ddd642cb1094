/**
 * Property-based test over every route: every documented /api/v1 operation
 * (read from the OpenAPI document, so a new endpoint is covered the day it is
 * added) and every page, with generated NULs, lone surrogates, invalid
 * percent-encodings, path steps and oversized values in each path parameter,
 * query parameter and body field. The property: never a 5xx, and under
 * /api/v1 always the JSON error shape.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/api/openapi";
import { INTENTS, RECORDS } from "./fixtures";
import { call, projectWithKeys, useApi } from "./helpers";
import { rawRequest } from "./raw-http";
import { testUser } from "../support/users";

const api = useApi();
afterAll(() => api.close());
const SEED = Number(process.env.IB_FUZZ_SEED ?? 20261201);

/** Already percent-encoded, as they go into a URL: the bytes the probe sent. */
const badUrlText = fc.oneof(
  fc.constantFrom("%00", "a%00b", "%", "%G1", "%FF", "%C0%AE", "%ED%A0%80", "%E2%82", "%F4%90%80%80", "..", ".", "%2E%2E", "__proto__", "%2F", "%25", "%u0000", ""),
  fc.string({ unit: "binary", maxLength: 30 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, "x"))),
  fc.integer({ min: 201, max: 20_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 50, max: 3000 }).map((n) => "%E4%B8%80".repeat(n)),
);

/** JSON values that no field should accept quietly, or that must be refused cleanly. */
const badJson = fc.oneof(
  fc.constantFrom<unknown>("\u0000", "a\u0000b", "\ud800", "x\udfff", "..", ".", "__proto__", "", " ", -1, 1e308, 2 ** 53, null, [], {}, true),
  fc.integer({ min: 201, max: 300_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 100, max: 5000 }).map((n) => "\u4e00\u9fa5\u3042".repeat(n)),
  fc.jsonValue({ maxDepth: 2 }),
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function leafPaths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.length === 0 ? [prefix] : value.flatMap((item, i) => leafPaths(item, [...prefix, i]));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length === 0 ? [prefix] : entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  }
  return [prefix];
}

function replaceAt(root: Json, path: (string | number)[], value: unknown): Json {
  if (path.length === 0) return value as Json;
  const copy = structuredClone(root);
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key as string]!, copy) as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
  return copy;
}

const completion = (intent: string) => `<analysis>Reading it.</analysis><intent>${intent}</intent> Sure.`;
/** A valid body per operation: each field is then replaced in turn by generated bad values. */
const SAMPLE_BODIES: Record<string, Json> = {
  upsertIntents: { intents: [{ id: "get_refund", label: "Get refund", description: "d", policy: "Ask for the order number.", rubric: [{ id: "r1", description: "asks", mustInclude: ["order"] }] }] },
  ingestRecords: { records: [{ case: { id: "f1", messages: [{ role: "user", content: "hi" }], expectedIntent: "get_refund", tags: ["t"], metadata: { k: "v" } }, completions: [{ run: "alpha", model: "m-alpha", text: completion("get_refund"), policy: { verdict: "pass", rationale: "ok", judge: "j", judgeVersion: "1" }, latencyMs: 5, metadata: {} }] }] },
  gradeIntent: { completion: completion("get_refund"), expectedIntent: "get_refund" },
  gradeIntentBatch: { items: [{ completion: completion("get_refund"), expectedIntent: "get_refund" }] },
  putJudge: { kind: "openai", baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKey: "sk-fuzz-0000", temperature: 0, timeoutMs: 1000, concurrency: 2, samples: 1, promptTemplate: "{{guideline}} {{reply}}" },
  createJudgeJob: { judge: "rubric", run: ["alpha"], intentVerdict: ["wrong"], q: "order" },
};

interface Operation {
  id: string;
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  hasBody: boolean;
}

const document = openApiDocument("test");
const OPERATIONS: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods as Record<string, { operationId: string; parameters?: { name: string; in: string }[]; requestBody?: unknown }>).map(([method, op]) => ({
    id: op.operationId,
    method: method.toUpperCase(),
    path,
    pathParams: (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
    queryParams: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
    hasBody: op.requestBody !== undefined,
  })),
);

/** Every page with the query parameters it reads. */
const PAGES = [
  { path: "/", query: [] as string[] },
  { path: "/projects/{project}", query: [] },
  { path: "/projects/{project}/compare", query: ["a", "b", "metric"] },
  { path: "/projects/{project}/confusion", query: ["run"] },
  { path: "/projects/{project}/cases", query: ["run", "expectedIntent", "predictedIntent", "intentVerdict", "policyVerdict", "q", "sort", "cursor"] },
  { path: "/projects/{project}/cases/{id}", query: ["view", "a", "b"] },
];

let project: Awaited<ReturnType<typeof projectWithKeys>>;
/** An instance admin's session: pages take no API key, and send anyone signed out to /sign-in before reading the URL. */
let adminCookie: string;
let sent = 0;
beforeAll(async () => {
  project = await projectWithKeys(INTENTS);
  adminCookie = (await testUser({ admin: true, label: "fuzz" })).cookie;
  expect((await call("POST", "/api/v1/ingest", { key: project.keys.ingest, body: { records: RECORDS } })).status).toBe(200);
});

/** A path with each parameter valid ("alpha", "c1") except the one given a bad value. */
function fillPath(path: string, valid: Record<string, string>, bad: { name: string; value: string } | null): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => (bad && bad.name === name ? bad.value : valid[name] ?? "x"));
}

async function check(method: string, target: string, body?: string, what = ""): Promise<void> {
  const page = !target.startsWith("/api/");
  const headers: Record<string, string> = page ? { cookie: adminCookie } : { authorization: `Bearer ${project.keys.admin}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await rawRequest(api.baseUrl, method, target, headers, body);
  sent++;
  const context = `${method} ${target.slice(0, 200)} ${what}`.trim();
  expect(response.status, context).toBeLessThan(500);
  // A page that sent the request to sign in never read the generated path or query: the property would hold vacuously.
  if (page) {
    expect(response.headers.location ?? "", context).not.toMatch(/^(https?:\/\/[^/]+)?\/sign-in/);
    expect(response.body, context).not.toMatch(/http-equiv="refresh"[^>]*url=\/sign-in/); // a redirect after streaming began
  }
  if (target.startsWith("/api/v1") && response.status >= 400) {
    expect(response.headers["content-type"], context).toMatch(/^application\/json/);
    const parsed = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof parsed.error?.code, context).toBe("string");
    expect(typeof parsed.error?.message, context).toBe("string");
  }
}

const VALID_PARAMS: Record<string, string> = { run: "alpha", id: "c1", project: "" };

describe("no route answers 5xx to hostile input", () => {
  it("has a sample body for every operation that takes one", () => {
    expect(OPERATIONS.filter((op) => op.hasBody).map((op) => op.id).sort()).toEqual(Object.keys(SAMPLE_BODIES).sort());
  });

  for (const op of OPERATIONS) {
    const where = [...op.pathParams.map((name) => ({ in: "path" as const, name })), ...op.queryParams.map((name) => ({ in: "query" as const, name })), { in: "query" as const, name: "__unknown" }];
    it(`${op.method} ${op.path}: path and query parameters`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...where), badUrlText, badUrlText, async (slot, value, second) => {
          const path = fillPath(op.path, VALID_PARAMS, slot.in === "path" ? { name: slot.name, value } : null);
          const name = slot.name === "__unknown" ? second : slot.name;
          const query = slot.in === "query" ? `?${name}=${value}&${name}=${second}` : "";
          const body = SAMPLE_BODIES[op.id];
          await check(op.method, path + query, body === undefined ? undefined : JSON.stringify(body));
        }),
        { numRuns: 50, seed: SEED },
      );
    });
    const sample = SAMPLE_BODIES[op.id];
    if (sample === undefined) continue;
    it(`${op.method} ${op.path}: every body field`, async () => {
      const leaves = leafPaths(sample);
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: leaves.length - 1 }), badJson, async (index, value) => {
          const body = JSON.stringify(replaceAt(sample, leaves[index]!, value));
          await check(op.method, fillPath(op.path, VALID_PARAMS, null), body, `with ${JSON.stringify(leaves[index])} = ${JSON.stringify(value)?.slice(0, 80)}`);
        }),
        { numRuns: Math.max(40, leaves.length * 4), seed: SEED + 1 },
      );
    });
  }

  for (const page of PAGES) {
    it(`GET ${page.path}: path and query parameters`, async () => {
      const slots = [...(page.path.includes("{project}") ? ["project"] : []), ...(page.path.includes("{id}") ? ["id"] : []), ...page.query, "__unknown"];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...slots), badUrlText, async (slot, value) => {
          const valid = { project: project.name, id: "c1" };
          const inPath = slot === "project" || slot === "id";
          const path = fillPath(page.path, valid, inPath ? { name: slot, value } : null);
          const query = inPath ? "" : `?${slot === "__unknown" ? value : slot}=${value}`;
          await check("GET", path + query);
        }),
        { numRuns: 40, seed: SEED + 2 },
      );
    });
  }

  it("sent a few hundred requests in all", () => {
    console.log(`routes fuzz: ${sent} requests over ${OPERATIONS.length} operations and ${PAGES.length} pages`);
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(11);
    expect(sent).toBeGreaterThan(800);
  });
});
