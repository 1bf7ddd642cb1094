/**
 * The OpenAPI document: valid OpenAPI 3.1 by an independent validator, and
 * true: every documented operation is called here, and each answer's status
 * is documented and its body matches the documented JSON Schema.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECORDS, INTENTS, seededProject } from "./fixtures";
import { call, useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

type Operation = { responses: Record<string, { content?: { "application/json": { schema: object } } }>; parameters?: { name: string; in: string }[] };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

let document: Document;
let project: Awaited<ReturnType<typeof seededProject>>;
beforeAll(async () => {
  const response = await call("GET", "/api/v1/openapi.json");
  expect(response.status).toBe(200);
  document = response.json as unknown as Document;
  project = await seededProject();
});

describe("GET /api/v1/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(document.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every route the app serves under /api/v1, and nothing else", () => {
    const root = path.resolve("app/api/v1");
    const routes = readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter((file) => path.basename(file) === "route.ts")
      .map((file) => `/api/v1/${path.dirname(file)}`.replace(/\[(\w+)\]/g, "{$1}"))
      .sort();
    expect(Object.keys(document.paths).sort()).toEqual(routes);
  });

  it("documents the completion filters as repeatable query parameters", () => {
    const names = document.paths["/api/v1/completions"]!.get!.parameters!.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["run", "expectedIntent", "predictedIntent", "intentVerdict", "policyVerdict", "q", "limit", "cursor"]));
  });
});

describe("every documented operation, called", () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const called = new Set<string>();

  /** Calls one operation and checks the answer against the document. */
  async function exercise(method: string, template: string, url: string, options: Parameters<typeof call>[2] = {}) {
    const operation = document.paths[template]?.[method.toLowerCase()];
    expect(operation, `${method} ${template} is documented`).toBeDefined();
    const response = await call(method, url, options);
    const documented = operation!.responses[String(response.status)];
    expect(documented, `${method} ${url} answered ${response.status}, which is not documented: ${JSON.stringify(response.json)}`).toBeDefined();
    const schema = documented!.content?.["application/json"].schema;
    if (schema) {
      const validate = ajv.compile(schema);
      expect(validate(response.json), `${method} ${url} ${response.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    called.add(`${method.toLowerCase()} ${template}`);
    return response;
  }

  it("answers as documented, for successes and errors", async () => {
    const { read, ingest, admin } = project.keys;
    expect((await exercise("GET", "/api/v1/health", "/api/v1/health")).status).toBe(200);
    expect((await exercise("GET", "/api/v1/openapi.json", "/api/v1/openapi.json")).status).toBe(200);
    expect((await exercise("PUT", "/api/v1/intents", "/api/v1/intents", { key: admin, body: { intents: INTENTS } })).status).toBe(200);
    expect((await exercise("PUT", "/api/v1/intents", "/api/v1/intents", { key: read, body: { intents: INTENTS } })).status).toBe(403);
    expect((await exercise("GET", "/api/v1/intents", "/api/v1/intents", { key: read })).status).toBe(200);
    expect((await exercise("POST", "/api/v1/ingest", "/api/v1/ingest", { key: ingest, body: { records: RECORDS } })).status).toBe(200);
    const mixed = [RECORDS[0], { ...RECORDS[1]!, case: { ...RECORDS[1]!.case, expectedIntent: "not_in_taxonomy" } }];
    expect((await exercise("POST", "/api/v1/ingest", "/api/v1/ingest", { key: ingest, body: { records: mixed } })).status).toBe(207);
    expect((await exercise("POST", "/api/v1/ingest", "/api/v1/ingest", { key: ingest, body: { rows: [] } })).status).toBe(400);
    expect((await exercise("POST", "/api/v1/ingest", "/api/v1/ingest", { body: { records: [] } })).status).toBe(401);
    expect((await exercise("GET", "/api/v1/runs", "/api/v1/runs", { key: read })).status).toBe(200);
    expect((await exercise("GET", "/api/v1/runs/{run}/metrics", "/api/v1/runs/alpha/metrics", { key: read })).status).toBe(200);
    expect((await exercise("GET", "/api/v1/runs/{run}/metrics", "/api/v1/runs/missing/metrics", { key: read })).status).toBe(404);
    expect((await exercise("GET", "/api/v1/cases/{id}", "/api/v1/cases/c1", { key: read })).status).toBe(200);
    expect((await exercise("GET", "/api/v1/cases/{id}", "/api/v1/cases/missing", { key: read })).status).toBe(404);
    expect((await exercise("GET", "/api/v1/completions", "/api/v1/completions?run=alpha&intentVerdict=wrong&intentVerdict=correct&limit=2", { key: read })).status).toBe(200);
    expect((await exercise("GET", "/api/v1/completions", "/api/v1/completions?policyVerdict=maybe", { key: read })).status).toBe(400);
    const item = { completion: "<analysis>a</analysis><intent>get_refund</intent> ok", expectedIntent: "get_refund" };
    expect((await exercise("POST", "/api/v1/feedback/intent", "/api/v1/feedback/intent", { key: ingest, body: item })).status).toBe(200);
    expect((await exercise("POST", "/api/v1/feedback/intent", "/api/v1/feedback/intent", { key: ingest, body: { ...item, expectedIntent: "nope" } })).status).toBe(400);
    expect((await exercise("POST", "/api/v1/feedback/intent/batch", "/api/v1/feedback/intent/batch", { key: ingest, body: { items: [item, item] } })).status).toBe(200);

    const judge = { kind: "openai", baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKey: "sk-test-000000abcd" };
    expect((await exercise("PUT", "/api/v1/judges/{name}", "/api/v1/judges/llm", { key: admin, body: judge })).status).toBe(200);
    expect((await exercise("PUT", "/api/v1/judges/{name}", "/api/v1/judges/llm", { key: admin, body: { ...judge, kind: "other" } })).status).toBe(400);
    expect((await exercise("GET", "/api/v1/judges", "/api/v1/judges", { key: admin })).status).toBe(200);
    expect((await exercise("POST", "/api/v1/judge-jobs", "/api/v1/judge-jobs", { key: ingest, body: { judge: "rubric", run: "missing" } })).status).toBe(400);
    const job = await exercise("POST", "/api/v1/judge-jobs", "/api/v1/judge-jobs", { key: ingest, body: { judge: "rubric", run: "alpha" } });
    expect(job.status).toBe(202);
    expect((await exercise("GET", "/api/v1/judge-jobs/{id}", `/api/v1/judge-jobs/${job.json.id}`, { key: read })).status).toBe(200);
    expect((await exercise("GET", "/api/v1/judge-jobs/{id}", "/api/v1/judge-jobs/0", { key: read })).status).toBe(404);
    expect((await exercise("POST", "/api/v1/judge-jobs/{id}/cancel", `/api/v1/judge-jobs/${job.json.id}/cancel`, { key: ingest })).status).toBe(200);
    expect((await exercise("POST", "/api/v1/judge-jobs/{id}/cancel", "/api/v1/judge-jobs/999999999/cancel", { key: ingest })).status).toBe(404);

    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect([...called].sort()).toEqual(documented.sort());
  });
});
