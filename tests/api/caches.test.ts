/**
 * The server reads every request's key with its project's rewards and
 * taxonomy version (one query shared by the requests in flight) and keeps only
 * each project's taxonomy in memory, checked against that version. These tests
 * change the database behind the server's back, right after requests that
 * filled the taxonomy cache, and expect the very next request to see the change.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../../lib/api/keys";
import { upsertIntents } from "../../lib/taxonomy/intents";
import { taxonomySchema } from "../../lib/validations/taxonomy";
import { INTENTS } from "./fixtures";
import { call, projectWithKeys, useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

const item = (intent: string, expectedIntent = intent) => ({ completion: `<analysis>a</analysis><intent>${intent}</intent> Sure.`, expectedIntent });
const feedback = (key: string, body: unknown) => call("POST", "/api/v1/feedback/intent", { key, body });
const batch = (key: string, items: unknown[]) => call("POST", "/api/v1/feedback/intent/batch", { key, body: { items } });
const prefixOf = (key: string) => key.split("_")[1]!;

describe("changes reach the very next request", () => {
  it("a key revoked right after a successful request gets 401 on the next one, on the feedback endpoints", async () => {
    const p = await projectWithKeys(INTENTS);
    for (let i = 0; i < 3; i++) expect((await feedback(p.keys.ingest, item("get_refund"))).status).toBe(200);
    await revokeApiKey(p.projectId, prefixOf(p.keys.ingest));
    const single = await feedback(p.keys.ingest, item("get_refund"));
    expect(single.status).toBe(401);
    expect(single.json.error.code).toBe("unauthorized");
    expect((await batch(p.keys.ingest, [item("get_refund")])).status).toBe(401);
  });

  it("a key revoked right after a successful request gets 401 on the next one, on another endpoint", async () => {
    const p = await projectWithKeys(INTENTS);
    for (let i = 0; i < 3; i++) expect((await call("GET", "/api/v1/runs", { key: p.keys.read })).status).toBe(200);
    await revokeApiKey(p.projectId, prefixOf(p.keys.read));
    expect((await call("GET", "/api/v1/runs", { key: p.keys.read })).status).toBe(401);
  });

  it("never lets a just-revoked key through, over many tries", async () => {
    const p = await projectWithKeys(INTENTS);
    for (let i = 0; i < 25; i++) {
      const { secret, prefix } = await createApiKey(p.projectId, `churn-${i}`, "ingest");
      expect((await feedback(secret, item("get_refund"))).status).toBe(200);
      await revokeApiKey(p.projectId, prefix);
      expect((await feedback(secret, item("get_refund"))).status, `try ${i}`).toBe(401);
    }
  });

  it("a key revoked by hand in SQL, or its scope changed, takes effect on the next request", async () => {
    const p = await projectWithKeys(INTENTS);
    expect((await feedback(p.keys.admin, item("get_refund"))).status).toBe(200);
    await api.pool.query("UPDATE api_keys SET scope = 'read' WHERE prefix = $1", [prefixOf(p.keys.admin)]);
    expect((await feedback(p.keys.admin, item("get_refund"))).status).toBe(403);
    expect((await feedback(p.keys.ingest, item("get_refund"))).status).toBe(200);
    await api.pool.query("DELETE FROM api_keys WHERE prefix = $1", [prefixOf(p.keys.ingest)]);
    expect((await feedback(p.keys.ingest, item("get_refund"))).status).toBe(401);
  });

  it("new rewards and a new intent apply to the next feedback request", async () => {
    const p = await projectWithKeys(INTENTS);
    expect((await feedback(p.keys.ingest, item("get_refund"))).json.reward).toBe(1);
    expect((await feedback(p.keys.ingest, item("get_refund"))).json.reward).toBe(1);
    await api.pool.query("UPDATE projects SET reward_correct = 0.25 WHERE id = $1", [p.projectId]);
    expect((await feedback(p.keys.ingest, item("get_refund"))).json.reward).toBe(0.25);

    expect((await feedback(p.keys.ingest, item("reset_password"))).status).toBe(400);
    const { intents } = taxonomySchema.parse({ intents: [{ id: "reset_password", label: "Reset password", policy: "Send the reset link." }] });
    await upsertIntents(p.projectId, intents);
    const graded = await feedback(p.keys.ingest, item("reset_password"));
    expect(graded.status).toBe(200);
    expect(graded.json).toMatchObject({ verdict: "correct", reward: 0.25, unknownIntent: false });
  });

  it("an intent removed or renamed by hand in SQL stops being accepted on the next request, in the single and batch forms", async () => {
    const p = await projectWithKeys(INTENTS);
    expect((await feedback(p.keys.ingest, item("get_refund"))).status).toBe(200);
    expect((await batch(p.keys.ingest, [item("track_refund")])).status).toBe(200);
    await api.pool.query("DELETE FROM intents WHERE project_id = $1 AND id = 'get_refund'", [p.projectId]);
    expect((await feedback(p.keys.ingest, item("get_refund"))).json.error.code).toBe("unknown_intent");
    await api.pool.query("UPDATE intents SET id = 'refund_status' WHERE project_id = $1 AND id = 'track_refund'", [p.projectId]);
    expect((await batch(p.keys.ingest, [item("track_refund")])).status).toBe(400);
    expect((await batch(p.keys.ingest, [item("refund_status")])).json.results[0]).toMatchObject({ verdict: "correct", unknownIntent: false });
  });

  it("another project's taxonomy change leaves this project's grading as it was", async () => {
    const [a, b] = await Promise.all([projectWithKeys(INTENTS), projectWithKeys(INTENTS)]);
    expect((await feedback(a.keys.ingest, item("get_refund"))).status).toBe(200);
    await api.pool.query("DELETE FROM intents WHERE project_id = $1 AND id = 'get_refund'", [b.projectId]);
    expect((await feedback(a.keys.ingest, item("get_refund"))).status).toBe(200);
    expect((await feedback(b.keys.ingest, item("get_refund"))).status).toBe(400);
  });

  it("records the key's last use", async () => {
    const p = await projectWithKeys(INTENTS);
    for (let i = 0; i < 3; i++) expect((await feedback(p.keys.ingest, item("get_refund"))).status).toBe(200);
    await expect
      .poll(async () => (await api.pool.query("SELECT last_used_at FROM api_keys WHERE prefix = $1", [prefixOf(p.keys.ingest)])).rows[0]?.last_used_at ?? null)
      .not.toBeNull();
  });
});
