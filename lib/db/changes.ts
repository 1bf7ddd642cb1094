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
 * - A cached value is only used after a read of `cache_revision` that started
 *   after the caller asked (freshRevision: concurrent callers share one read)
 *   and finds the number it was stored with. The triggers bump that number
 *   in the changing transaction, so a change committed before a request is
 *   never missed, even when its notification is still on its way.
 * - Against a connection that dies silently (a network partition sends no
 *   reset), the listener is pinged every few seconds and counts as lost when it
 *   does not answer in time; and no entry is kept longer than MAX_AGE_MS.
 */
import pg from "pg";
import { databaseUrl, pool } from "./pool";

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

  /** Reads the cache revision on the listening connection (no pool checkout), or through the pool when it is down. */
  revision(): Promise<number> {
    return revisionOn(this.connected && this.client ? this.client : pool());
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

// ---------------------------------------------------------------------------
// The revision number (migration 20261201000000_cache_revision)

/** A named (prepared) statement: parsed and planned once per connection. */
const REVISION_QUERY = { name: "ib-cache-revision", text: "SELECT n::text FROM cache_revision" };

async function revisionOn(db: pg.ClientBase | pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: string }>(REVISION_QUERY);
  return Number(rows[0]?.n ?? 0);
}

let reading: Promise<number> | null = null;
let queued: Promise<number> | null = null;

function readRevision(): Promise<number> {
  // Started on the next turn of the event loop, so that every request parsed in this turn joins
  // this read (they all arrived before it starts): one read serves a burst, not one request.
  // (A longer wait would gather more requests per read but adds its length to every request.)
  const read: Promise<number> = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => {
      const feed = globalForFeed.ibChangeFeed;
      return feed ? feed.revision() : revisionOn(pool());
    })
    .finally(() => {
      if (reading === read) reading = null;
    });
  reading = read;
  return read;
}

/**
 * The cache revision as of a read that started after this call: joins the
 * next read when one is already running (it may have started earlier), so any
 * number of concurrent callers costs at most two reads in a row.
 */
export function freshRevision(): Promise<number> {
  if (!reading) return readRevision();
  queued ??= reading
    .then(
      () => undefined,
      () => undefined,
    )
    .then(() => {
      queued = null;
      return readRevision();
    });
  return queued;
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
  private readonly entries = new Map<K, { value: V; at: number; revision: number }>();
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

  /**
   * The cached value, without checking the revision: for a quick look only
   * (is there anything to confirm?). Undefined when there is none, it is too
   * old, or the caches are off.
   */
  peek(key: K): V | undefined {
    if (!this.live()) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.at > MAX_AGE_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** The cached value if it was stored at `revision`, a number from freshRevision() read for this request. */
  getAt(key: K, revision: number | undefined): V | undefined {
    const value = this.peek(key);
    if (value === undefined || revision === undefined) return undefined;
    if (this.entries.get(key)!.revision !== revision) {
      this.entries.delete(key);
      return undefined;
    }
    return value;
  }

  /**
   * Loads a value, and keeps it (with the revision read before loading, or the
   * given one if the caller read it for this request) unless it is null, the
   * caches are off, or something was announced meanwhile.
   */
  async load(key: K, loader: () => Promise<V | null>, revision?: number): Promise<{ value: V | null; revision: number | undefined }> {
    const feed = this.live();
    const version = feed?.version;
    const at = Date.now();
    const readAt = feed && revision === undefined ? await freshRevision() : revision;
    const value = await loader();
    if (value !== null && readAt !== undefined && feed && feed.connected && feed === this.feed && feed.version === version) this.entries.set(key, { value, at, revision: readAt });
    return { value, revision: readAt };
  }
}
