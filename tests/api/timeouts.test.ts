/**
 * Slow and stalled clients against a server of its own with short timeouts:
 * uploads that never finish hold no admission slot (the project keeps being
 * served, reads and writes alike) and are answered 408 when their body is
 * late; headers and idle keep-alive connections have deadlines too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { INTENTS } from "./fixtures";
import { spawnAppServer } from "./global-setup";
import { projectWithKeys, useApi } from "./helpers";
import { openRaw } from "./raw-http";

const api = useApi();
const BODY_TIMEOUT_MS = 3000;
const HEADERS_TIMEOUT_MS = 1500;
const KEEPALIVE_TIMEOUT_MS = 1000;
const PER_PROJECT = 4;

let app: Awaited<ReturnType<typeof spawnAppServer>>;
beforeAll(async () => {
  app = await spawnAppServer(inject("databaseUrl"), {
    IB_API_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
    IB_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    IB_HTTP_KEEPALIVE_TIMEOUT_MS: String(KEEPALIVE_TIMEOUT_MS),
    IB_API_MAX_INFLIGHT_PER_PROJECT: String(PER_PROJECT),
  });
});
afterAll(async () => {
  await app?.stop();
  await api.close();
});

/** A chunked upload that sends its headers and a first chunk, then nothing. */
function stalledUpload(path: string, key: string) {
  const head = [`POST ${path} HTTP/1.1`, `host: ${new URL(app.baseUrl).host}`, `authorization: Bearer ${key}`, "content-type: application/json", "transfer-encoding: chunked"].join("\r\n");
  return openRaw(app.baseUrl, `${head}\r\n\r\n`, '5\r\n{"rec\r\n');
}

const record = (id: string) => ({
  case: { id, messages: [{ role: "user", content: "hi" }], expectedIntent: "get_refund" },
  completions: [{ run: "r", model: "m", text: "<analysis>a</analysis><intent>get_refund</intent> Sure." }],
});

describe("stalled and slow clients", () => {
  it("keeps serving a project while 16 of its uploads stall, then answers each stalled one 408 as JSON", async () => {
    const p = await projectWithKeys(INTENTS);
    const stalled = [
      ...Array.from({ length: 14 }, () => stalledUpload("/api/v1/ingest", p.keys.ingest)),
      ...Array.from({ length: 2 }, () => stalledUpload("/api/v1/feedback/intent", p.keys.ingest)),
    ];
    const opened = Date.now();
    // For the first half of the stall, normal traffic of the same project, reads and writes, is served.
    const statuses: number[] = [];
    let n = 0;
    while (Date.now() - opened < BODY_TIMEOUT_MS / 2) {
      const headers = { authorization: `Bearer ${p.keys.ingest}`, "content-type": "application/json" };
      const [runs, ingest] = await Promise.all([
        fetch(`${app.baseUrl}/api/v1/runs`, { headers: { authorization: `Bearer ${p.keys.read}` } }),
        fetch(`${app.baseUrl}/api/v1/ingest`, { method: "POST", headers, body: JSON.stringify({ records: [record(`c${n++}`)] }) }),
      ]);
      statuses.push(runs.status, ingest.status);
      await Promise.all([runs.arrayBuffer(), ingest.arrayBuffer()]);
    }
    expect(statuses.length).toBeGreaterThan(4);
    expect(new Set(statuses)).toEqual(new Set([200]));

    const answers = await Promise.all(stalled.map(({ response }) => response));
    for (const answer of answers) {
      expect(answer.status).toBe(408);
      expect(answer.headers["content-type"]).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body).error.code).toBe("request_timeout");
      expect(answer.closedAfterMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 200);
      expect(answer.closedAfterMs).toBeLessThan(BODY_TIMEOUT_MS + 5000);
    }
    const { rows } = await api.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM cases WHERE project_id = $1", [p.projectId]);
    expect(rows[0]!.n).toBe(n); // every acknowledged upload stored, none of the stalled ones
  });

  it("closes a connection whose headers do not arrive in time with 408", async () => {
    const { response } = openRaw(app.baseUrl, `GET /api/v1/health HTTP/1.1\r\nhost: ${new URL(app.baseUrl).host}\r\n`);
    const answer = await response;
    expect(answer.status).toBe(408);
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 200);
    expect(answer.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 3000);
  });

  it("closes an idle keep-alive connection after the keep-alive timeout", async () => {
    const { socket, response } = openRaw(app.baseUrl, `GET /api/v1/health HTTP/1.1\r\nhost: ${new URL(app.baseUrl).host}\r\n\r\n`);
    const closed = await response;
    expect(closed.status).toBe(200);
    expect(socket.destroyed).toBe(true);
    expect(closed.closedAfterMs).toBeGreaterThanOrEqual(KEEPALIVE_TIMEOUT_MS - 200);
    expect(closed.closedAfterMs).toBeLessThan(KEEPALIVE_TIMEOUT_MS + 3000);
  });
});
