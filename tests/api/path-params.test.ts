/**
 * Path parameters over real HTTP are parsed like bodies and queries: a value
 * no run, case, judge or job can have is a 400 `invalid_path` that names the
 * parameter and why, before any lookup; a well-formed one that names nothing
 * is a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededProject } from "./fixtures";
import { call, useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

let project: Awaited<ReturnType<typeof seededProject>>;
beforeAll(async () => {
  project = await seededProject();
});

const long = "x".repeat(201);

describe("path parameters", () => {
  it("refuses a run name or case id longer than any can be, naming it", async () => {
    const run = await call("GET", `/api/v1/runs/${long}/metrics`, { key: project.keys.read });
    expect(run.status).toBe(400);
    expect(run.json.error).toMatchObject({ code: "invalid_path", message: "invalid path parameter at run: a run name is at most 200 characters" });
    const found = await call("GET", `/api/v1/runs/${"x".repeat(200)}/metrics`, { key: project.keys.read });
    expect(found.status).toBe(404);
    const kase = await call("GET", `/api/v1/cases/${long}`, { key: project.keys.read });
    expect(kase.status).toBe(400);
    expect(kase.json.error).toMatchObject({ code: "invalid_path", message: "invalid path parameter at id: a case id is at most 200 characters" });
  });

  it("refuses a judge job id that is not a whole number, and finds no job past PostgreSQL's integers", async () => {
    for (const id of ["abc", "-1", "1.5", "12345678901"]) {
      const response = await call("GET", `/api/v1/judge-jobs/${id}`, { key: project.keys.read });
      expect(response.status, id).toBe(400);
      expect(response.json.error, id).toMatchObject({ code: "invalid_path", message: "invalid path parameter at id: a judge job's id is a whole number" });
      expect((await call("POST", `/api/v1/judge-jobs/${id}/cancel`, { key: project.keys.ingest })).status, id).toBe(400);
    }
    for (const id of ["0", "2147483648", "9999999999"]) {
      expect((await call("GET", `/api/v1/judge-jobs/${id}`, { key: project.keys.read })).status, id).toBe(404);
      expect((await call("POST", `/api/v1/judge-jobs/${id}/cancel`, { key: project.keys.ingest })).status, id).toBe(404);
    }
  });

  it("refuses a judge name outside its alphabet", async () => {
    const judge = { kind: "openai", baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKey: "sk-test-000000abcd" };
    const response = await call("PUT", "/api/v1/judges/bad%20name", { key: project.keys.admin, body: judge });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: "invalid_path", message: "invalid path parameter at name: judge name must be letters, digits, '_', '.' or '-'" });
  });
});
