/**
 * The caches kept exact by PostgreSQL notifications (lib/db/changes.ts): off
 * until the listening connection is up, entries dropped by the triggers'
 * notifications, and a value loaded across a notification not kept.
 */
import net from "node:net";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createApiKey, revokeApiKey, verifyApiKey } from "../../lib/api/keys";
import { freshRevision, listenedCache, MAX_AGE_MS, startChangeFeed, stopChangeFeed } from "../../lib/db/changes";
import { freshProject, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(async () => {
  await stopChangeFeed();
  await db.close();
});

const cache = listenedCache<number, string>("test-projects", (change, _value, projectId) => change.kind === "project" && change.projectId === projectId);

/** The feed is up once a loaded value is kept. */
async function waitForFeed(): Promise<void> {
  await expect.poll(async () => (await cache.load(-1, async () => "probe"), cache.peek(-1))).toBe("probe");
}

describe("listened caches", () => {
  it("answer nothing while no feed runs", async () => {
    await cache.load(1, async () => "one");
    expect(cache.peek(1)).toBeUndefined();
  });

  it("drop an entry when its project changes, and keep other projects' entries", async () => {
    startChangeFeed();
    await waitForFeed();
    const a = await freshProject([{ id: "cancel_order", label: "Cancel", policy: "p" }], "cache");
    const b = await freshProject([{ id: "cancel_order", label: "Cancel", policy: "p" }], "cache");
    await cache.load(a.id, async () => "a");
    await cache.load(b.id, async () => "b");
    expect(cache.peek(a.id)).toBe("a");
    await db.pool.query("UPDATE projects SET reward_wrong = -2 WHERE id = $1", [a.id]);
    await expect.poll(() => cache.peek(a.id)).toBeUndefined();
    expect(cache.peek(b.id)).toBe("b");
  });

  it("do not keep a value loaded while a change was announced", async () => {
    const p = await freshProject([{ id: "cancel_order", label: "Cancel", policy: "p" }], "cache");
    const { value } = await cache.load(p.id, async () => {
      await db.pool.query("INSERT INTO intents (project_id, id, label) VALUES ($1, 'new_intent', 'New')", [p.id]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return "stale";
    });
    expect(value).toBe("stale");
    expect(cache.peek(p.id)).toBeUndefined();
  });

  it("serve an entry only at the revision it was stored at, before any notification arrives", async () => {
    const { revision } = await cache.load(5150, async () => "current");
    expect(revision).toBeDefined();
    expect(cache.getAt(5150, await freshRevision())).toBe("current");
    // A committed change bumps the revision in its own transaction; its notification may still be on its way.
    await db.pool.query("UPDATE cache_revision SET n = n + 1");
    const after = await freshRevision();
    expect(after).toBeGreaterThan(revision!);
    expect(cache.getAt(5150, after)).toBeUndefined();
  });

  it("share one revision read among concurrent callers, each read starting after its callers asked", async () => {
    const before = await freshRevision();
    const [a, b, c] = await Promise.all([freshRevision(), freshRevision(), freshRevision()]);
    expect(new Set([a, b, c]).size).toBe(1);
    expect(a).toBe(before);
    const bump = db.pool.query("UPDATE cache_revision SET n = n + 1");
    await bump;
    expect(await freshRevision()).toBe(before + 1);
    // A revocation bumps it too, at commit.
    const p = await freshProject([{ id: "cancel_order", label: "Cancel", policy: "p" }], "cache");
    const created = await createApiKey(db.pool, p.id, "bumps", "read");
    const beforeRevoke = await freshRevision();
    await revokeApiKey(db.pool, p.id, created.prefix);
    expect(await freshRevision()).toBeGreaterThan(beforeRevoke);
  });

  it("forget an entry after MAX_AGE_MS even when no change was announced", async () => {
    await cache.load(4242, async () => "aging");
    expect(cache.peek(4242)).toBe("aging");
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + MAX_AGE_MS + 1);
    try {
      expect(cache.peek(4242)).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
  });

  it("serve a verified key from memory until it is revoked, and go off when the feed stops", async () => {
    const p = await freshProject([{ id: "cancel_order", label: "Cancel", policy: "p" }], "cache");
    const created = await createApiKey(db.pool, p.id, "cached", "ingest");
    expect(await verifyApiKey(db.pool, created.secret)).toMatchObject({ id: created.id, projectId: p.id, scope: "ingest" });
    // Cached: the next verification reads only the cache revision, on the listening connection: nothing through the pool.
    const query = db.pool.query.bind(db.pool);
    const queries: unknown[] = [];
    (db.pool as { query: unknown }).query = (...args: Parameters<typeof query>) => (queries.push(args[0]), query(...args));
    try {
      expect(await verifyApiKey(db.pool, created.secret)).not.toBeNull();
      expect(queries).toEqual([]);
      // A revision bump (no notification for this key) makes the next verification read the key again.
      await query("UPDATE cache_revision SET n = n + 1");
      expect(await verifyApiKey(db.pool, created.secret)).not.toBeNull();
      expect(queries.filter((sql) => typeof sql === "string" && sql.includes("FROM api_keys"))).toHaveLength(1);
    } finally {
      (db.pool as { query: unknown }).query = query;
    }
    // Revoked: refused by the very next verification, with no wait for the notification.
    await revokeApiKey(db.pool, p.id, created.prefix);
    expect(await verifyApiKey(db.pool, created.secret)).toBeNull();

    await stopChangeFeed();
    await cache.load(p.id, async () => "off");
    expect(cache.peek(p.id)).toBeUndefined();
  });
});

/**
 * A TCP relay to PostgreSQL that can go silent: it stops passing bytes without
 * closing anything, as a network partition does.
 */
async function silentRelay(target: URL) {
  let silent = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on("data", (chunk) => {
        if (!silent) to.write(chunk);
      });
      from.on("error", () => to.destroy());
      from.on("close", () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    setSilent: (value: boolean) => void (silent = value),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("a listening connection that dies silently", () => {
  it("is noticed by its pings: the caches go off, and come back once PostgreSQL answers again", async () => {
    const realUrl = process.env.DATABASE_URL!;
    const relay = await silentRelay(new URL(realUrl));
    await stopChangeFeed();
    process.env.DATABASE_URL = relay.url;
    try {
      startChangeFeed();
      await waitForFeed();
      await cache.load(7, async () => "seven");
      expect(cache.peek(7)).toBe("seven");
      relay.setSilent(true);
      // No reset arrives: only the ping (every 5 s, 5 s to answer) can tell.
      await expect.poll(() => cache.peek(7), { timeout: 15_000, interval: 200 }).toBeUndefined();
      relay.setSilent(false);
      await expect.poll(async () => (await cache.load(8, async () => "eight"), cache.peek(8)), { timeout: 15_000, interval: 200 }).toBe("eight");
    } finally {
      await stopChangeFeed();
      process.env.DATABASE_URL = realUrl;
      await relay.close();
    }
  }, 40_000);
});
