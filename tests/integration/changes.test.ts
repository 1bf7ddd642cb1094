/**
 * The caches kept exact by PostgreSQL notifications (lib/db/changes.ts): off
 * until the listening connection is up, entries dropped by the triggers'
 * notifications, and a value loaded across a notification not kept.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey, verifyApiKey } from "../../lib/api/keys";
import { listenedCache, startChangeFeed, stopChangeFeed } from "../../lib/db/changes";
import { freshProject, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(async () => {
  await stopChangeFeed();
  await db.close();
});

const cache = listenedCache<number, string>("test-projects", (change, _value, projectId) => change.kind === "project" && change.projectId === projectId);

/** The feed is up once a loaded value is kept. */
async function waitForFeed(): Promise<void> {
  await expect.poll(async () => (await cache.load(-1, async () => "probe"), cache.get(-1))).toBe("probe");
}

describe("listened caches", () => {
  it("answer nothing while no feed runs", async () => {
    await cache.load(1, async () => "one");
    expect(cache.get(1)).toBeUndefined();
  });

  it("drop an entry when its project changes, and keep other projects' entries", async () => {
    startChangeFeed();
    await waitForFeed();
    const a = await freshProject([{ id: "cancel_order", label: "Cancel", policy: "p" }], "cache");
    const b = await freshProject([{ id: "cancel_order", label: "Cancel", policy: "p" }], "cache");
    await cache.load(a.id, async () => "a");
    await cache.load(b.id, async () => "b");
    expect(cache.get(a.id)).toBe("a");
    await db.pool.query("UPDATE projects SET reward_wrong = -2 WHERE id = $1", [a.id]);
    await expect.poll(() => cache.get(a.id)).toBeUndefined();
    expect(cache.get(b.id)).toBe("b");
  });

  it("do not keep a value loaded while a change was announced", async () => {
    const p = await freshProject([{ id: "cancel_order", label: "Cancel", policy: "p" }], "cache");
    const value = await cache.load(p.id, async () => {
      await db.pool.query("INSERT INTO intents (project_id, id, label) VALUES ($1, 'new_intent', 'New')", [p.id]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return "stale";
    });
    expect(value).toBe("stale");
    expect(cache.get(p.id)).toBeUndefined();
  });

  it("serve a verified key from memory until it is revoked, and go off when the feed stops", async () => {
    const p = await freshProject([{ id: "cancel_order", label: "Cancel", policy: "p" }], "cache");
    const created = await createApiKey(db.pool, p.id, "cached", "ingest");
    expect(await verifyApiKey(db.pool, created.secret)).toMatchObject({ id: created.id, projectId: p.id, scope: "ingest" });
    // Cached: a query count of zero for the next verification.
    const query = db.pool.query.bind(db.pool);
    let queries = 0;
    (db.pool as { query: unknown }).query = (...args: Parameters<typeof query>) => (queries++, query(...args));
    try {
      expect(await verifyApiKey(db.pool, created.secret)).not.toBeNull();
      expect(queries).toBe(0);
    } finally {
      (db.pool as { query: unknown }).query = query;
    }
    await revokeApiKey(db.pool, p.id, created.prefix);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await verifyApiKey(db.pool, created.secret)).toBeNull();

    await stopChangeFeed();
    await cache.load(p.id, async () => "off");
    expect(cache.get(p.id)).toBeUndefined();
  });
});
