/**
 * API keys: `ib_<prefix>_<secret>`. The prefix finds the key and may be shown;
 * only a SHA-256 of the whole key is stored (the secret is 256 random bits, so
 * a fast hash is enough), and the key is shown once, at creation.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type pg from "pg";
import { freshRevision, listenedCache } from "../db/changes";

export const API_KEY_SCOPES = ["ingest", "read", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
/** What a request needs; `admin` keys may do everything. */
export type Permission = "ingest" | "read" | "admin";

export function allows(scope: ApiKeyScope, needed: Permission): boolean {
  return scope === "admin" || scope === needed;
}

export interface CreatedKey {
  id: number;
  prefix: string;
  secret: string;
}

export interface VerifiedKey {
  id: number;
  projectId: number;
  projectName: string;
  scope: ApiKeyScope;
  /** The cache revision this verification was made at (lib/db/changes.ts), when the caches are on. */
  revision?: number;
}

const KEY_PATTERN = /^ib_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function hash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export async function createApiKey(db: pg.ClientBase | pg.Pool, projectId: number, name: string, scope: ApiKeyScope): Promise<CreatedKey> {
  const prefix = randomBytes(12).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "").padEnd(12, "0").slice(0, 12);
  const secret = `ib_${prefix}_${randomBytes(32).toString("base64url")}`;
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO api_keys (project_id, name, scope, prefix, secret_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    [projectId, name, scope, prefix, hash(secret)],
  );
  return { id: rows[0]!.id, prefix, secret };
}

// Verified keys by the hash of the whole key, until a change of a key of
// their project (revocation, scope) or of the project itself is announced.
const verifiedKeys = listenedCache<string, { key: VerifiedKey; touchedAt: number }>("api-keys", (change, entry) => change.projectId === entry.key.projectId);

const TOUCH_MS = 60_000;

/** Records the key's last use, at most once a minute, without making the request wait. */
function touch(db: pg.Pool, entry: { key: VerifiedKey; touchedAt: number }): void {
  const now = Date.now();
  if (now - entry.touchedAt < TOUCH_MS) return;
  entry.touchedAt = now;
  db.query("UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", [entry.key.id]).catch(() => undefined);
}

/**
 * The key, if it exists, matches and is not revoked. Answered from memory
 * while the change feed is up (see lib/db/changes.ts), else by PostgreSQL.
 */
export async function verifyApiKey(db: pg.Pool, token: string): Promise<VerifiedKey | null> {
  const match = KEY_PATTERN.exec(token);
  if (!match) return null;
  const tokenHash = hash(token);
  // A cached key counts only once a revision read that started after this request confirms it.
  const revision = verifiedKeys.peek(tokenHash) ? await freshRevision() : undefined;
  const cached = verifiedKeys.getAt(tokenHash, revision);
  if (cached) {
    touch(db, cached);
    return { ...cached.key, revision };
  }
  const loaded = await verifiedKeys.load(
    tokenHash,
    async () => {
      const { rows } = await db.query<{ id: number; project_id: number; project_name: string; scope: ApiKeyScope; secret_hash: string; stale: boolean }>(
        `SELECT k.id, k.project_id, p.name AS project_name, k.scope, k.secret_hash,
                (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') AS stale
           FROM api_keys k JOIN projects p ON p.id = k.project_id
          WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
        [match[1]],
      );
      const key = rows[0];
      if (!key) return null;
      const expected = Buffer.from(key.secret_hash, "hex");
      const actual = Buffer.from(tokenHash, "hex");
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
      return { key: { id: key.id, projectId: key.project_id, projectName: key.project_name, scope: key.scope }, touchedAt: key.stale ? 0 : Date.now() };
    },
    revision,
  );
  if (!loaded.value) return null;
  touch(db, loaded.value);
  return { ...loaded.value.key, revision: loaded.revision };
}

export async function revokeApiKey(db: pg.ClientBase | pg.Pool, projectId: number, prefix: string): Promise<boolean> {
  const { rowCount } = await db.query("UPDATE api_keys SET revoked_at = now() WHERE project_id = $1 AND prefix = $2 AND revoked_at IS NULL", [projectId, prefix]);
  return (rowCount ?? 0) > 0;
}
