import { afterAll, describe, expect, it } from "vitest";
import { revokeApiKey } from "../../lib/api/keys";
import { call, projectWithKeys, useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

describe("API keys", () => {
  it("answers 401 without a key or with a bad one, as JSON", async () => {
    for (const key of [undefined, "nonsense", "ib_aaaaaaaaaaaa_" + "x".repeat(43)]) {
      const response = await call("GET", "/api/v1/runs", { key });
      expect(response.status).toBe(401);
      expect(response.json.error.code).toBe("unauthorized");
    }
  });

  it("stores no plaintext secret, and a revoked key gets 401 at once", async () => {
    const project = await projectWithKeys();
    const { rows } = await api.pool.query("SELECT prefix, secret_hash FROM api_keys WHERE project_id = $1", [project.projectId]);
    const dump = JSON.stringify(rows);
    for (const secret of Object.values(project.keys)) {
      expect(dump).not.toContain(secret);
      // ib_<prefix>_<secret>: the secret part may itself hold "_" (base64url), so it is all after the second one.
      expect(dump).not.toContain(secret.split("_").slice(2).join("_"));
    }
    expect((await call("GET", "/api/v1/runs", { key: project.keys.read })).status).toBe(200);
    const prefix = project.keys.read.split("_")[1]!;
    await revokeApiKey(project.projectId, prefix);
    expect((await call("GET", "/api/v1/runs", { key: project.keys.read })).status).toBe(401);
  });
});
