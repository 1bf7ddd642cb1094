/**
 * What an outside probe broke, each as a regression test over real HTTP:
 * model output longer than an index entry, NULs and broken encodings in paths
 * and query strings, non-JSON answers under /api/v1, input changed silently
 * (`__proto__`), names that are path steps, and URLs with encoded names.
 */
import { randomInt } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { call, projectWithKeys, useApi } from "./helpers";
import { INTENTS, seededProject } from "./fixtures";
import { rawRequest } from "./raw-http";
import { testUser } from "../support/users";

const api = useApi();
afterAll(() => api.close());

/** Incompressible text: random CJK ideographs (3 bytes each in UTF-8), so PostgreSQL cannot shrink an index entry. */
function randomText(length: number): string {
  return Array.from({ length }, () => String.fromCodePoint(0x4e00 + randomInt(0x9fff - 0x4e00))).join("");
}

const text = (intent: string, reply = "Sure, I can help.") => `<analysis>Reading it.</analysis><intent>${intent}</intent> ${reply}`;
const record = (id: string, completions: { run: string; model: string; text: string }[], extra: Record<string, unknown> = {}) => ({
  case: { id, messages: [{ role: "user", content: `message ${id}` }], expectedIntent: "get_refund", ...extra },
  completions,
});

describe("model output of any length", () => {
  it("stores a 3,000-character random intent tag beside a clean record: graded wrong, cut to 200 characters, flagged", async () => {
    const p = await projectWithKeys(INTENTS);
    const longIntent = randomText(3000);
    const response = await call("POST", "/api/v1/ingest", {
      key: p.keys.ingest,
      body: { records: [record("long", [{ run: "r", model: "m", text: text(longIntent) }]), record("clean", [{ run: "r", model: "m", text: text("get_refund") }])] },
    });
    expect(response.status).toBe(200);
    expect(response.json.summary).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 0 });
    expect(response.json.results[0].warnings[0].message).toBe("predicted intent of 3,000 characters is longer than any intent id: graded wrong, stored cut to its first 200");

    const { rows } = await api.pool.query<{ external_id: string; predicted_intent: string; predicted_intent_truncated: boolean; unknown_intent: boolean; intent_verdict: string; text: string }>(
      `SELECT k.external_id, c.predicted_intent, c.predicted_intent_truncated, c.unknown_intent, c.intent_verdict, c.text
         FROM completions c JOIN cases k ON k.project_id = c.project_id AND k.id = c.case_id WHERE c.project_id = $1 ORDER BY k.external_id`,
      [p.projectId],
    );
    expect(rows.map((r) => [r.external_id, r.intent_verdict, r.unknown_intent, r.predicted_intent_truncated])).toEqual([
      ["clean", "correct", false, false],
      ["long", "wrong", true, true],
    ]);
    expect(rows[1]!.predicted_intent).toBe(longIntent.slice(0, 200));
    expect(rows[1]!.text).toBe(text(longIntent)); // the generation itself is stored whole

    const detail = await call("GET", "/api/v1/cases/long", { key: p.keys.read });
    expect(detail.json.completions[0]).toMatchObject({ predictedIntent: longIntent.slice(0, 200), predictedIntentTruncated: true, intentVerdict: "wrong", unknownIntent: true });
    const metrics = await call("GET", "/api/v1/runs/r/metrics", { key: p.keys.read });
    expect(metrics.json.intent).toMatchObject({ correct: 1, wrong: 1, formatError: 0 });
  });

  it("never cuts a surrogate pair in half", async () => {
    const p = await projectWithKeys(INTENTS);
    const intent = `${"x".repeat(199)}\u{1F600}${"y".repeat(50)}`; // the emoji straddles the 200th unit
    const response = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, body: { records: [record("emoji", [{ run: "r", model: "m", text: text(intent) }])] } });
    expect(response.status).toBe(200);
    const { rows } = await api.pool.query<{ predicted_intent: string }>("SELECT predicted_intent FROM completions WHERE project_id = $1", [p.projectId]);
    expect(rows[0]!.predicted_intent).toBe("x".repeat(199));
  });

  it("stores the longest accepted value of every indexed text column, incompressible", async () => {
    const p = await projectWithKeys(INTENTS);
    const caseId = randomText(200);
    const run = randomText(200);
    const body = {
      records: [
        {
          case: { id: caseId, messages: [{ role: "user", content: "hello" }], expectedIntent: "get_refund", tags: Array.from({ length: 50 }, () => randomText(100)) },
          completions: [{ run, model: randomText(200), text: text(randomText(200)), policy: { verdict: "pass", rationale: "ok", judge: randomText(200), judgeVersion: randomText(100) } }],
        },
      ],
    };
    const response = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, body });
    expect(response.status).toBe(200);
    expect(response.json.summary.created).toBe(1);
    const detail = await call("GET", `/api/v1/cases/${encodeURIComponent(caseId)}`, { key: p.keys.read });
    expect(detail.status).toBe(200);
    expect(detail.json.completions[0].run).toBe(run);
    expect((await call("GET", `/api/v1/runs/${encodeURIComponent(run)}/metrics`, { key: p.keys.read })).json.total).toBe(1);
  });
});

describe("NULs and broken encodings are the client's mistake", () => {
  it("answers a NUL in any filter or path parameter with a JSON 400 naming it", async () => {
    const p = await projectWithKeys(INTENTS);
    for (const parameter of ["q", "run", "expectedIntent", "predictedIntent"]) {
      const response = await call("GET", `/api/v1/completions?${parameter}=a%00b`, { key: p.keys.read });
      expect(response.status, parameter).toBe(400);
      expect(response.json.error).toMatchObject({ code: "invalid_text", message: `query parameter '${parameter}' contains a NUL character` });
    }
    const path = await call("GET", "/api/v1/cases/%00", { key: p.keys.read });
    expect(path.status).toBe(400);
    expect(path.json.error.message).toBe("the path holds a NUL character");
    const metrics = await call("GET", "/api/v1/runs/x%00/metrics", { key: p.keys.read });
    expect(metrics.status).toBe(400);
  });

  it("answers malformed percent-encodings in an API path with a JSON 400, with or without a key", async () => {
    const p = await projectWithKeys(INTENTS);
    for (const segment of ["%FF", "%", "%C0%AE", "%ED%A0%80", "%E2%82"]) {
      for (const key of [undefined, p.keys.read]) {
        const response = await rawRequest(api.baseUrl, "GET", `/api/v1/cases/${segment}`, key ? { authorization: `Bearer ${key}` } : {});
        expect(response.status, segment).toBe(400);
        expect(response.headers["content-type"]).toMatch(/^application\/json/);
        expect(JSON.parse(response.body).error).toMatchObject({ code: "invalid_path", message: "the path holds a malformed percent-encoding (not UTF-8)" });
      }
    }
  });

  it("shows the app's not-found page for a page path that no project can have", async () => {
    // Signed in: a signed-out visitor is sent to the sign-in page before any name is looked at.
    const { cookie } = await testUser({ admin: true });
    for (const path of ["/projects/%00", "/projects/%00/compare", "/projects/%00/confusion", "/projects/%FF", "/projects/%", "/projects/%C0%AE/confusion", "/projects/%ED%A0%80", "/projects/%2500", "/projects/%25"]) {
      const response = await rawRequest(api.baseUrl, "GET", path, { cookie });
      expect(response.status, path).toBe(404);
      expect(response.headers["content-type"], path).toMatch(/^text\/html/);
      expect(response.body, path).toContain("Page not found");
    }
  });

  it("drops NUL and lone-surrogate values from page query strings instead of failing", async () => {
    // Signed in, on a project with runs: signed out, every page is a redirect to sign-in that never reads the query.
    const p = await seededProject();
    const { cookie } = await testUser({ admin: true });
    const page = async (path: string) => {
      const response = await rawRequest(api.baseUrl, "GET", path, { cookie });
      expect(response.status, path).toBe(200);
      return response.body;
    };
    /** The text of the first element opened by `open` (React splits text nodes with comments, stripped here with the tags). */
    const textOf = (body: string, open: RegExp, close: string) => {
      const start = body.search(open);
      expect(start, String(open)).toBeGreaterThanOrEqual(0);
      const from = body.indexOf(">", start) + 1;
      return body.slice(from, body.indexOf(close, from)).replace(/<[^>]*>/g, "");
    };
    // The cases page lists what it ignored in the address.
    const cases = await page(`/projects/${p.name}/cases?q=%00`);
    expect(textOf(cases, /data-testid="dropped-parameters"/, "</p>")).toBe("Ignored in the address: q (q contains a NUL character or a lone surrogate).");
    // Compare and confusion read an unusable value as absent and say so: the default runs, not a run named by it.
    const compareDropped = {
      [`/projects/${p.name}/compare?a=%00&b=%00`]: "Ignored in the address: a (contains a NUL character or a lone surrogate); b (contains a NUL character or a lone surrogate).",
      [`/projects/${p.name}/compare?metric=%ED%A0%80`]: "Ignored in the address: metric (expected one of: system, intent, policy).",
    };
    for (const [path, notice] of Object.entries(compareDropped)) {
      const body = await page(path);
      expect(textOf(body, /id="result-heading"/, "</h2>"), path).toBe("alpha vs beta");
      expect(body.replace(/<[^>]*>/g, ""), path).toContain("Success means system (right intent and policy pass), per case.");
      expect(body, path).not.toContain('data-testid="unknown-run"');
      expect(textOf(body, /data-testid="dropped-parameters"/, "</p>"), path).toBe(notice);
    }
    const confusion = await page(`/projects/${p.name}/confusion?run=%00`);
    expect(textOf(confusion, /id="matrix-heading"/, "</h2>")).toBe("alpha");
    expect(textOf(confusion, /data-testid="matrix-summary"/, "</p>")).toBe("4 completions: 2 with the right intent, 1 with another, 1 format error.");
    expect(confusion).not.toContain('data-testid="unknown-run"');
    expect(textOf(confusion, /data-testid="dropped-parameters"/, "</p>")).toBe("Ignored in the address: run (contains a NUL character or a lone surrogate).");
    // The leaderboard's judge too: the counted verdicts, and why the value was not used.
    const board = await page(`/projects/${p.name}?judge=%00`);
    expect(textOf(board, /data-testid="dropped-parameters"/, "</p>")).toBe("Ignored in the address: judge (contains a NUL character or a lone surrogate).");
    // The home page sends an admin on to a project, and not to sign in.
    const home = await rawRequest(api.baseUrl, "GET", "/?x=%00", { cookie });
    expect(home.status).toBe(307);
    expect(home.headers.location).toMatch(/^\/projects\/[^/?]+$/);
  });

  it("refuses TRACE, CONNECT-like methods and the '*' target with a 4xx", async () => {
    const trace = await rawRequest(api.baseUrl, "TRACE", "/");
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toContain("GET");
    const traceApi = await rawRequest(api.baseUrl, "TRACE", "/api/v1/runs");
    expect(traceApi.status).toBe(405);
    expect(JSON.parse(traceApi.body).error.code).toBe("method_not_allowed");
    expect((await rawRequest(api.baseUrl, "GET", "*")).status).toBe(400);
    const options = await rawRequest(api.baseUrl, "OPTIONS", "*");
    expect(options.status).toBe(204);
    expect(options.headers.allow).toContain("POST");
  });
});

describe("every answer under /api/v1 is JSON", () => {
  it("answers an unknown API path with a JSON 404 and a wrong method with a JSON 405 listing the allowed ones", async () => {
    const p = await projectWithKeys(INTENTS);
    for (const path of ["/api/v1/nope", "/api/v1", "/api/v1/runs/x/nope", "/api/v1/cases", "/api/v1/cases/.."]) {
      const response = await call("GET", path, { key: p.keys.read });
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).toMatch(/^application\/json/);
      expect(response.json.error.code, path).toBe("not_found");
    }
    const wrong = await call("DELETE", "/api/v1/runs", { key: p.keys.admin });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(wrong.json.error).toEqual({ code: "method_not_allowed", message: "/api/v1/runs answers GET, not DELETE", details: null });
    const post = await call("PUT", "/api/v1/ingest", { key: p.keys.ingest, body: {} });
    expect(post.status).toBe(405);
    expect(post.json.error.message).toBe("/api/v1/ingest answers POST, not PUT");
  });
});

describe("input is stored as sent, or refused", () => {
  it("refuses a __proto__ key anywhere in a body with a 400 naming where, storing nothing", async () => {
    const p = await projectWithKeys(INTENTS);
    const bad = `{"case": {"id": "proto", "messages": [{"role": "user", "content": "hi"}], "expectedIntent": "get_refund", "metadata": {"a": {"__proto__": {"polluted": true}}}}}`;
    const good = JSON.stringify(record("fine", []));
    const response = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, rawBody: `{"records": [${good}, ${bad}]}` });
    expect(response.status).toBe(400);
    expect(response.json.error).toEqual({
      code: "invalid_key",
      message: "'__proto__' cannot be used as a key (at /records/1/case/metadata/a/__proto__): rename it",
      details: { pointer: "/records/1/case/metadata/a/__proto__" },
    });
    const { rows } = await api.pool.query("SELECT external_id FROM cases WHERE project_id = $1", [p.projectId]);
    expect(rows).toEqual([]);
    const feedback = await call("POST", "/api/v1/feedback/intent", { key: p.keys.ingest, rawBody: `{"completion": "x", "expectedIntent": "get_refund", "__proto__": {}}` });
    expect(feedback.status).toBe(400);
    expect(feedback.json.error.code).toBe("invalid_key");
  });

  it("refuses an unknown query parameter even when it is named __proto__", async () => {
    const p = await projectWithKeys(INTENTS);
    const response = await call("GET", "/api/v1/completions?__proto__=1", { key: p.keys.read });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain("unknown parameter '__proto__'");
  });
});

describe("names are reachable", () => {
  it("refuses '.' and '..' as case ids and run names, naming the field", async () => {
    const p = await projectWithKeys(INTENTS);
    const response = await call("POST", "/api/v1/ingest", {
      key: p.keys.ingest,
      body: { records: [record(".", []), record("ok", [{ run: "..", model: "m", text: text("get_refund") }]), record(" .. ", []), record("fine", [])] },
    });
    expect(response.status, JSON.stringify(response.json)).toBe(207);
    expect(response.json.results.map((r: { status: string; error?: { path: unknown[]; message: string } }) => [r.status, r.error?.path, r.error?.message])).toEqual([
      ["rejected", ["case", "id"], "case id cannot be '.' or '..': those are path steps in URLs, not names"],
      ["rejected", ["completions", 0, "run"], "run name cannot be '.' or '..': those are path steps in URLs, not names"],
      ["rejected", ["case", "id"], "case id cannot be '.' or '..': those are path steps in URLs, not names"],
      ["created", undefined, undefined],
    ]);
  });

  it("serves names with slashes, percent signs, dots, spaces and newlines through their encoded URLs", async () => {
    const p = await projectWithKeys(INTENTS);
    const names = ["a/b", "100%", "...", ".x", "two words", "line\nbreak", "?#&=", "\u202Eevil"];
    const records = names.map((name) => record(name, [{ run: name, model: "m", text: text("get_refund") }]));
    expect((await call("POST", "/api/v1/ingest", { key: p.keys.ingest, body: { records: records.slice(0, 1) } })).status).toBe(200);
    // The same run across cases: one batch per name keeps each case's single completion on its own run.
    for (const r of records.slice(1)) expect((await call("POST", "/api/v1/ingest", { key: p.keys.ingest, body: { records: [r] } })).status).toBe(200);
    for (const name of names) {
      const detail = await call("GET", `/api/v1/cases/${encodeURIComponent(name)}`, { key: p.keys.read });
      expect(detail.status, JSON.stringify(name)).toBe(200);
      expect(detail.json.case.id).toBe(name);
      const metrics = await call("GET", `/api/v1/runs/${encodeURIComponent(name)}/metrics`, { key: p.keys.read });
      expect(metrics.status, JSON.stringify(name)).toBe(200);
      expect(metrics.json).toMatchObject({ run: name, total: 1 });
    }
  });
});
