/**
 * In-process caches of what PostgreSQL decides (verified API keys, a project's
 * grading context), kept exact by LISTEN/NOTIFY: the triggers of migration
 * 20261128000000_cache_notifications announce every change on `ib_cache` in
 * the changing transaction, and one listening connection per process drops the
 * affected entries.
 *
 * Exactness rules:
 * - While the listening connection is down (not yet up, lost, reconnecting)
 *   the caches answer nothing, so every caller queries the database.
 * - Connecting (or losing the connection) empties every cache: entries verified
 *   while nobody listened may have missed a change.
 * - A value loaded while any notification arrived, or while the connection
 *   changed, is returned to its caller but not kept (it may predate the change).
 * - Against a connection that dies silently (a network partition sends no
 *   reset), the listener is pinged every few seconds and counts as lost when it
 *   does not answer in time; and no entry is kept longer than MAX_AGE_MS.
 */
import pg from "pg";
import { databaseUrl } from "./pool";

export const CACHE_CHANNEL = "ib_cache";

/** `key:<project id>`, `project:<project id>`, or `reset` (connection up or lost). */
export type Change = { kind: "key" | "project"; projectId: number } | { kind: "reset" };

const RETRY_MS = 1000;
/** How often the listening connection is checked, and how long it may take to answer. */
const PING_EVERY_MS = 5000;
const PING_TIMEOUT_MS = 5000;
/** The longest an entry is trusted, whatever the listener says. */
export const MAX_AGE_MS = 60_000;

class ChangeFeed {
  /** Bumped on every notification and connection change. */
  version = 0;
  connected = false;
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private ping: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(change: Change) => void>();

  constructor() {
    void this.connect();
  }

  subscribe(listener: (change: Change) => void): void {
    this.listeners.add(listener);
  }

  private emit(change: Change): void {
    this.version++;
    for (const listener of this.listeners) listener(change);
  }

  private async connect(): Promise<void> {
    this.retry = null;
    if (this.closed) return;
    let client: pg.Client;
    try {
      client = new pg.Client({ connectionString: databaseUrl(), connectionTimeoutMillis: 5000, keepAlive: true });
    } catch (error) {
      console.error("[ib] caches stay off:", (error as Error).message);
      return;
    }
    this.client = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.ping) clearInterval(this.ping);
      this.ping = null;
      if (this.client === client) this.client = null;
      const wasConnected = this.connected;
      this.connected = false;
      this.emit({ kind: "reset" });
      client.end().catch(() => undefined);
      if (!this.closed) this.retry = setTimeout(() => void this.connect(), wasConnected ? 0 : RETRY_MS).unref();
    };
    client.on("error", onLost);
    client.on("end", onLost);
    client.on("notification", (message) => {
      const [kind, id] = (message.payload ?? "").split(":");
      const projectId = Number(id);
      if ((kind === "key" || kind === "project") && Number.isInteger(projectId)) this.emit({ kind, projectId });
      else this.emit({ kind: "reset" });
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CACHE_CHANNEL}`);
      if (lost || this.closed) return;
      this.emit({ kind: "reset" });
      this.connected = true;
      this.ping = setInterval(() => {
        const timer = setTimeout(onLost, PING_TIMEOUT_MS).unref();
        client.query("SELECT 1").then(() => clearTimeout(timer), () => {
          clearTimeout(timer);
          onLost();
        });
      }, PING_EVERY_MS).unref();
    } catch {
      onLost();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connected = false;
    if (this.retry) clearTimeout(this.retry);
    if (this.ping) clearInterval(this.ping);
    this.emit({ kind: "reset" });
    await this.client?.end().catch(() => undefined);
  }
}

// One feed per process, shared by the custom server's modules and Next's bundled copies of them.
const globalForFeed = globalThis as unknown as { ibChangeFeed?: ChangeFeed; ibCaches?: Map<string, ListenedCache<unknown, unknown>> };

/**
 * Starts listening, which turns the caches on (the API server does this; a
 * CLI or a test process that never calls it always queries).
 */
export function startChangeFeed(): void {
  globalForFeed.ibChangeFeed ??= new ChangeFeed();
}

/** Stops listening, which turns the caches off (at shutdown, before PostgreSQL stops; closePool calls it). */
export async function stopChangeFeed(): Promise<void> {
  const current = globalForFeed.ibChangeFeed;
  globalForFeed.ibChangeFeed = undefined;
  await current?.close();
}

type Drops<K, V> = (change: Exclude<Change, { kind: "reset" }>, value: V, key: K) => boolean;

/**
 * A map whose entries live until a change concerning them is announced;
 * `drops(change, value, key)` says whether a change invalidates an entry.
 * One instance per name and process.
 */
export function listenedCache<K, V>(name: string, drops: Drops<K, V>): ListenedCache<K, V> {
  const caches = (globalForFeed.ibCaches ??= new Map());
  let cache = caches.get(name) as ListenedCache<K, V> | undefined;
  if (!cache) {
    cache = new ListenedCache<K, V>(drops);
    caches.set(name, cache as ListenedCache<unknown, unknown>);
  }
  return cache;
}

export class ListenedCache<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();
  private feed: ChangeFeed | undefined;

  constructor(private readonly drops: Drops<K, V>) {}

  /** The running feed, subscribed to; entries from an earlier feed are gone. */
  private live(): ChangeFeed | undefined {
    const current = globalForFeed.ibChangeFeed;
    if (current !== this.feed) {
      this.entries.clear();
      this.feed = current;
      current?.subscribe((change) => {
        if (this.feed !== current) return;
        if (change.kind === "reset") this.entries.clear();
        else for (const [key, entry] of this.entries) if (this.drops(change, entry.value, key)) this.entries.delete(key);
      });
    }
    return current?.connected ? current : undefined;
  }

  /** The cached value, or undefined when there is none or the caches are off. */
  get(key: K): V | undefined {
    if (!this.live()) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.at > MAX_AGE_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Loads a value, and keeps it unless it is null or something changed meanwhile. */
  async load(key: K, loader: () => Promise<V | null>): Promise<V | null> {
    const feed = this.live();
    const version = feed?.version;
    const at = Date.now();
    const value = await loader();
    if (value !== null && feed && feed.connected && feed === this.feed && feed.version === version) this.entries.set(key, { value, at });
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
