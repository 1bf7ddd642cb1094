/**
 * What keeps the API's per-request checks exact without caching keys: every
 * verification reads the key, with its project's rewards and taxonomy version,
 * in a query shared by the verifications in flight (lib/api/keys.ts); the
 * taxonomy version moves in the same commit as any change to a project's
 * intent ids (migration 20261202000000_project_cache_version); and the feedback
 * grader's in-memory taxonomy is used only at the version read with the key
 * (lib/api/grading-context.ts). Each test owns its projects and keys.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { gradingContextFor } from "../../lib/api/grading-context";
import { createApiKey, revokeApiKey, verifyApiKey } from "../../lib/api/keys";
import { freshProject, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

const taxonomyVersion = async (projectId: number) =>
  (await db.pool.query<{ taxonomy_version: number }>("SELECT taxonomy_version FROM projects WHERE id = $1", [projectId])).rows[0]!.taxonomy_version;

/** The SQL text of every query that any pg pool (the app's, or the key reads' own) runs during `work`. */
async function queriesDuring(work: () => Promise<unknown>): Promise<string[]> {
  let owner: { query: (...args: unknown[]) => unknown } = Object.getPrototypeOf(db.pool);
  while (!Object.hasOwn(owner, "query")) owner = Object.getPrototypeOf(owner);
  const query = owner.query;
  const seen: string[] = [];
  owner.query = function (this: unknown, ...args: unknown[]) {
    const sql = args[0] as string | { text: string };
    seen.push(typeof sql === "string" ? sql : sql.text);
    return query.apply(this, args);
  };
  try {
    await work();
  } finally {
    owner.query = query;
  }
  return seen;
}

const keyReads = (sql: string[]) => sql.filter((text) => text.includes("FROM api_keys"));

describe("verifyApiKey", () => {
  it("returns the key with its project's name, rewards and taxonomy version, and refuses a wrong secret", async () => {
    const p = await freshProject(TWO_INTENTS, "keys");
    await db.pool.query("UPDATE projects SET reward_wrong = -0.5 WHERE id = $1", [p.id]);
    const created = await createApiKey(p.id, "reads", "read");
    expect(await verifyApiKey(db.pool, created.secret)).toEqual({
      id: created.id,
      projectId: p.id,
      projectName: p.name,
      scope: "read",
      rewards: { correct: 1, wrong: -0.5, formatError: -1 },
      taxonomyVersion: await taxonomyVersion(p.id),
    });
    const forged = `${created.secret.slice(0, -1)}${created.secret.endsWith("A") ? "B" : "A"}`;
    expect(await verifyApiKey(db.pool, forged)).toBeNull();
    expect(await verifyApiKey(db.pool, "not a key")).toBeNull();
  });

  it("sees a revocation, a scope change and a reward change committed just before", async () => {
    const p = await freshProject(TWO_INTENTS, "keys");
    const created = await createApiKey(p.id, "churn", "ingest");
    expect(await verifyApiKey(db.pool, created.secret)).toMatchObject({ scope: "ingest", rewards: { correct: 1 } });
    await db.pool.query("UPDATE api_keys SET scope = 'admin' WHERE id = $1", [created.id]);
    await db.pool.query("UPDATE projects SET reward_correct = 3 WHERE id = $1", [p.id]);
    expect(await verifyApiKey(db.pool, created.secret)).toMatchObject({ scope: "admin", rewards: { correct: 3 } });
    await revokeApiKey(p.id, created.prefix);
    expect(await verifyApiKey(db.pool, created.secret)).toBeNull();
  });

  it("answers concurrent verifications of several keys with one read", async () => {
    const p = await freshProject(TWO_INTENTS, "keys");
    const keys = await Promise.all(["a", "b", "c"].map((name) => createApiKey(p.id, name, "ingest")));
    // Their first use is recorded once each; recorded first so that only the verifications are counted below.
    await Promise.all(keys.map((key) => verifyApiKey(db.pool, key.secret)));
    await expect.poll(async () => (await db.pool.query("SELECT count(*) AS n FROM api_keys WHERE project_id = $1 AND last_used_at IS NOT NULL", [p.id])).rows[0].n).toBe(3);
    let verified: unknown[] = [];
    const sql = await queriesDuring(async () => {
      verified = await Promise.all(Array.from({ length: 12 }, (_, i) => verifyApiKey(db.pool, keys[i % 3]!.secret)));
    });
    expect(verified.map((key) => (key as { id: number }).id)).toEqual(Array.from({ length: 12 }, (_, i) => keys[i % 3]!.id));
    expect(keyReads(sql)).toHaveLength(1);
  });
});

describe("verifyApiKey and the app's pool", () => {
  it("verifies while every pooled connection is held by a transaction: key reads have a connection of their own", async () => {
    const p = await freshProject(TWO_INTENTS, "keys");
    const created = await createApiKey(p.id, "busy", "ingest");
    const held = await Promise.all(Array.from({ length: db.pool.options.max }, () => db.pool.connect()));
    try {
      expect(await verifyApiKey(db.pool, created.secret)).toMatchObject({ id: created.id, projectId: p.id });
    } finally {
      for (const client of held) client.release();
    }
  });
});

describe("taxonomy_version", () => {
  it("moves when an intent is added, removed or renamed, in the same commit, and not for other edits or other projects", async () => {
    const p = await freshProject(TWO_INTENTS, "version");
    const other = await freshProject(TWO_INTENTS, "version");
    const otherBefore = await taxonomyVersion(other.id);
    let version = await taxonomyVersion(p.id);
    const expectMoved = async (moved: boolean) => {
      const now = await taxonomyVersion(p.id);
      expect(now > version).toBe(moved);
      version = now;
    };
    await db.pool.query("INSERT INTO intents (project_id, id, label) VALUES ($1, 'new_intent', 'New')", [p.id]);
    await expectMoved(true);
    await db.pool.query("UPDATE intents SET label = 'Renamed label', description = 'd', current_version = current_version + 1 WHERE project_id = $1 AND id = 'new_intent'", [p.id]);
    await expectMoved(false);
    await db.pool.query("UPDATE intents SET id = 'newer_intent' WHERE project_id = $1 AND id = 'new_intent'", [p.id]);
    await expectMoved(true);
    await db.pool.query("DELETE FROM intents WHERE project_id = $1 AND id = 'newer_intent'", [p.id]);
    await expectMoved(true);
    await db.pool.query("UPDATE projects SET reward_correct = 2 WHERE id = $1", [p.id]);
    await expectMoved(false);
    expect(await taxonomyVersion(other.id)).toBe(otherBefore);
  });

  it("is bumped at commit: invisible while the change is open, and two open changes of one project do not wait for each other", async () => {
    const p = await freshProject(TWO_INTENTS, "version");
    const before = await taxonomyVersion(p.id);
    const clients = [new pg.Client({ connectionString: process.env.DATABASE_URL }), new pg.Client({ connectionString: process.env.DATABASE_URL })];
    try {
      for (const client of clients) {
        await client.connect();
        // A writer that had to wait for the other would fail here instead of hanging the test.
        await client.query("SET lock_timeout = '5s'");
        await client.query("BEGIN");
      }
      const [first, second] = clients as [pg.Client, pg.Client];
      await first.query("INSERT INTO intents (project_id, id, label) VALUES ($1, 'first_intent', 'First')", [p.id]);
      await second.query("INSERT INTO intents (project_id, id, label) VALUES ($1, 'second_intent', 'Second')", [p.id]);
      await first.query("DELETE FROM intents WHERE project_id = $1 AND id = 'get_refund'", [p.id]);
      expect(await taxonomyVersion(p.id)).toBe(before);
      await first.query("COMMIT");
      expect(await taxonomyVersion(p.id)).toBeGreaterThan(before);
      const afterFirst = await taxonomyVersion(p.id);
      await second.query("COMMIT");
      expect(await taxonomyVersion(p.id)).toBeGreaterThan(afterFirst);
    } finally {
      for (const client of clients) await client.end().catch(() => undefined);
    }
  });
});

describe("gradingContextFor", () => {
  it("serves the taxonomy from memory while the version read with the key is unchanged, and reloads it when it moved", async () => {
    const p = await freshProject(TWO_INTENTS, "context");
    const { secret } = await createApiKey(p.id, "grader", "ingest");
    const verified = async () => (await verifyApiKey(db.pool, secret))!;
    expect([...(await gradingContextFor(await verified())).taxonomy].sort()).toEqual(["cancel_order", "get_refund", "track_refund"]);

    const key = await verified();
    const unchanged = await queriesDuring(() => gradingContextFor(key));
    expect(unchanged).toEqual([]);

    await db.pool.query("DELETE FROM intents WHERE project_id = $1 AND id = 'track_refund'", [p.id]);
    await db.pool.query("UPDATE projects SET reward_format_error = -7 WHERE id = $1", [p.id]);
    const moved = await verified();
    let context: Awaited<ReturnType<typeof gradingContextFor>> | undefined;
    const reload = await queriesDuring(async () => (context = await gradingContextFor(moved)));
    expect(reload).toHaveLength(1);
    expect([...context!.taxonomy].sort()).toEqual(["cancel_order", "get_refund"]);
    expect(context!.rewards).toEqual({ correct: 1, wrong: -1, formatError: -7 });
  });
});
