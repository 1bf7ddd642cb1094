/** PUT/GET /api/v1/intents over real HTTP: upserts, guideline versions, scopes, validation. */
import { afterAll, describe, expect, it } from "vitest";
import { call, projectWithKeys, useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

const CANCEL = { id: "cancel_order", label: "Cancel order", description: "The customer wants to cancel.", policy: "Mention the $4.99 fee.", rubric: [{ id: "fee", description: "must mention the fee", mustInclude: ["$4.99"] }] };
const REFUND = { id: "get_refund", label: "Get refund", policy: "Ask for the order number." };

describe("PUT /api/v1/intents", () => {
  it("creates intents, versions a changed guideline, and reports what happened", async () => {
    const p = await projectWithKeys();
    const created = await call("PUT", "/api/v1/intents", { key: p.keys.admin, body: { intents: [CANCEL, REFUND] } });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ created: ["cancel_order", "get_refund"], newVersion: [], unchanged: [] });

    const again = await call("PUT", "/api/v1/intents", { key: p.keys.admin, body: { intents: [CANCEL, REFUND] } });
    expect(again.json).toEqual({ created: [], newVersion: [], unchanged: ["cancel_order", "get_refund"] });

    const changed = await call("PUT", "/api/v1/intents", {
      key: p.keys.admin,
      body: { intents: [{ ...CANCEL, policy: "Mention the $4.99 fee and the refund time." }, { ...REFUND, label: "Refund request" }, { id: "track_refund", label: "Track refund", policy: "Give the status." }] },
    });
    expect(changed.json).toEqual({ created: ["track_refund"], newVersion: ["cancel_order"], unchanged: ["get_refund"] });
    // A rubric change alone is a new version too.
    const rubric = await call("PUT", "/api/v1/intents", { key: p.keys.admin, body: { intents: [{ ...REFUND, label: "Refund request", rubric: [{ id: "n", description: "asks for the number", mustInclude: ["order number"] }] }] } });
    expect(rubric.json).toEqual({ created: [], newVersion: ["get_refund"], unchanged: [] });

    const versions = await api.pool.query("SELECT intent_id, version, policy FROM policy_guidelines WHERE project_id = $1 ORDER BY intent_id, version", [p.projectId]);
    expect(versions.rows).toEqual([
      { intent_id: "cancel_order", version: 1, policy: "Mention the $4.99 fee." },
      { intent_id: "cancel_order", version: 2, policy: "Mention the $4.99 fee and the refund time." },
      { intent_id: "get_refund", version: 1, policy: "Ask for the order number." },
      { intent_id: "get_refund", version: 2, policy: "Ask for the order number." },
      { intent_id: "track_refund", version: 1, policy: "Give the status." },
    ]);

    const list = await call("GET", "/api/v1/intents", { key: p.keys.read });
    expect(list.status).toBe(200);
    expect(list.json.intents.map(({ updatedAt, ...rest }: { updatedAt: string }) => (expect(Number.isNaN(Date.parse(updatedAt))).toBe(false), rest))).toEqual([
      { id: "cancel_order", label: "Cancel order", description: "The customer wants to cancel.", version: 2, policy: "Mention the $4.99 fee and the refund time.", rubric: CANCEL.rubric },
      { id: "get_refund", label: "Refund request", description: "", version: 2, policy: "Ask for the order number.", rubric: [{ id: "n", description: "asks for the number", mustInclude: ["order number"] }] },
      { id: "track_refund", label: "Track refund", description: "", version: 1, policy: "Give the status.", rubric: [] },
    ]);
  });

  it("makes new intents usable by ingestion and feedback at once", async () => {
    const p = await projectWithKeys([REFUND]);
    const text = "<analysis>x</analysis><intent>brand_new</intent> Done.";
    const before = await call("POST", "/api/v1/feedback/intent", { key: p.keys.ingest, body: { completion: text, expectedIntent: "get_refund" } });
    expect(before.json).toMatchObject({ verdict: "wrong", unknownIntent: true });
    expect((await call("PUT", "/api/v1/intents", { key: p.keys.admin, body: { intents: [{ id: "brand_new", label: "New", policy: "Be nice." }] } })).status).toBe(200);
    const after = await call("POST", "/api/v1/feedback/intent", { key: p.keys.ingest, body: { completion: text, expectedIntent: "brand_new" } });
    expect(after.json).toMatchObject({ verdict: "correct", unknownIntent: false, reward: 1 });
    const ingest = await call("POST", "/api/v1/ingest", { key: p.keys.ingest, body: { records: [{ case: { id: "c1", messages: [{ role: "user", content: "hi" }], expectedIntent: "brand_new" } }] } });
    expect(ingest.status).toBe(200);
  });

  it("needs an admin key to write and a read key to list", async () => {
    const p = await projectWithKeys([REFUND]);
    for (const key of [p.keys.ingest, p.keys.read]) {
      const response = await call("PUT", "/api/v1/intents", { key, body: { intents: [CANCEL] } });
      expect(response.status).toBe(403);
      expect(response.json.error.code).toBe("forbidden");
    }
    expect((await call("PUT", "/api/v1/intents", { body: { intents: [CANCEL] } })).status).toBe(401);
    expect((await call("GET", "/api/v1/intents", { key: p.keys.ingest })).status).toBe(403);
    expect((await call("GET", "/api/v1/intents", { key: p.keys.admin })).status).toBe(200);
    const { rows } = await api.pool.query("SELECT id FROM intents WHERE project_id = $1", [p.projectId]);
    expect(rows).toEqual([{ id: "get_refund" }]);
  });

  it("rejects an invalid taxonomy with 400 naming the problem, changing nothing", async () => {
    const p = await projectWithKeys([REFUND]);
    const cases: [unknown, RegExp][] = [
      [{ intents: [] }, /intents/],
      [{ intents: [{ ...CANCEL, id: "Cancel Order" }] }, /intents\.0\.id.*lower-case/],
      [{ intents: [{ ...CANCEL, policy: "   " }] }, /policy guideline must not be empty/],
      [{ intents: [CANCEL, CANCEL] }, /duplicate intent id 'cancel_order'/],
      [{ intents: [{ ...CANCEL, rubric: [{ id: "r", description: "nothing to check" }] }] }, /needs mustInclude, mustNotInclude or mustAskFor/],
      [{ intents: [CANCEL], extra: 1 }, /extra/],
      [{ intents: [{ ...CANCEL, colour: "red" }] }, /colour/],
      [[CANCEL], /expected object/i],
    ];
    for (const [body, message] of cases) {
      const response = await call("PUT", "/api/v1/intents", { key: p.keys.admin, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.error.message).toMatch(message);
    }
    const { rows } = await api.pool.query("SELECT count(*)::int AS n FROM policy_guidelines WHERE project_id = $1", [p.projectId]);
    expect(rows[0].n).toBe(1);
  });

  it("survives concurrent PUTs of the same new intents", async () => {
    const p = await projectWithKeys();
    const intents = Array.from({ length: 20 }, (_, i) => ({ id: `intent_${i}`, label: `Intent ${i}`, policy: `Policy ${i}.` }));
    const responses = await Promise.all(Array.from({ length: 5 }, () => call("PUT", "/api/v1/intents", { key: p.keys.admin, body: { intents } })));
    for (const response of responses) expect([200, 409]).toContain(response.status);
    const { rows } = await api.pool.query("SELECT count(*)::int AS n FROM policy_guidelines WHERE project_id = $1", [p.projectId]);
    expect(rows[0].n).toBe(20);
  });
});
