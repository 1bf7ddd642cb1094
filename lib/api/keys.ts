/**
 * API keys: `ib_<prefix>_<secret>`. The prefix finds the key and may be shown;
 * only a SHA-256 of the whole key is stored (the secret is 256 random bits, so
 * a fast hash is enough), and the key is shown once, at creation.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import pg from "pg";
import { batchedLookup, type BatchedLookup } from "../db/batched-lookup";
import { audit, type Actor } from "../audit";
import type { RewardConfig } from "../grading/intent";
import { inTransaction, prisma, type Db } from "../db/prisma";

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
  /** The project's rewards, as read with the key for this request. */
  rewards: RewardConfig;
  /** The project's taxonomy version, as read with the key: what a cached taxonomy is checked against (lib/api/grading-context.ts). */
  taxonomyVersion: number;
}

const KEY_PATTERN = /^ib_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function hash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/**
 * A new key of the project. With `createdBy` (the admin pages) the key records
 * its creator (a user's id; a system actor records none) and the creation is
 * written to the audit log in the same transaction; the command line passes none.
 */
export async function createApiKey(projectId: number, name: string, scope: ApiKeyScope, db: Db = prisma(), createdBy?: Actor): Promise<CreatedKey> {
  const prefix = randomBytes(12).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "").padEnd(12, "0").slice(0, 12);
  const secret = `ib_${prefix}_${randomBytes(32).toString("base64url")}`;
  const data = { projectId, name, scope, prefix, secretHash: hash(secret), createdBy: createdBy?.type === "user" ? createdBy.id : null };
  if (!createdBy) {
    const { id } = await db.apiKey.create({ data, select: { id: true } });
    return { id, prefix, secret };
  }
  return inTransaction(db, async (tx) => {
    const { id } = await tx.apiKey.create({ data, select: { id: true } });
    await audit({ actor: createdBy, projectId, action: "apikey.create", objectType: "apikey", objectId: prefix, after: { name, scope } }, tx);
    return { id, prefix, secret };
  });
}

export interface ListedKey {
  prefix: string;
  name: string;
  scope: ApiKeyScope;
  /** The creator's email; null when made on the command line (or the user is gone). */
  creator: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The project's keys, oldest first, without their hashes. */
export async function listApiKeys(projectId: number, db: Db = prisma()): Promise<ListedKey[]> {
  const keys = await db.apiKey.findMany({ where: { projectId }, select: { prefix: true, name: true, scope: true, createdBy: true, createdAt: true, lastUsedAt: true, revokedAt: true }, orderBy: { id: "asc" } });
  const creatorIds = [...new Set(keys.flatMap((key) => (key.createdBy ? [key.createdBy] : [])))];
  const users = creatorIds.length === 0 ? [] : await db.user.findMany({ where: { id: { in: creatorIds } }, select: { id: true, email: true } });
  const emails = new Map(users.map((user) => [user.id, user.email]));
  return keys.map(({ createdBy, ...key }) => ({ ...key, creator: createdBy ? (emails.get(createdBy) ?? null) : null }));
}

/** A key's row and its project's, as the verification reads them. */
interface KeyRow {
  prefix: string;
  id: number;
  project_id: number;
  project_name: string;
  scope: ApiKeyScope;
  secret_hash: string;
  reward_correct: number;
  reward_wrong: number;
  reward_format_error: number;
  taxonomy_version: number;
  /** last_used_at is over a minute old (or unset). */
  stale: boolean;
}

// A named statement: parsed and planned once per connection. Hand-written rather than through
// Prisma because it is the per-request read of every API call.
const KEYS_BY_PREFIX = {
  name: "ib-api-keys-by-prefix",
  text: `SELECT k.prefix, k.id, k.project_id, p.name AS project_name, k.scope, k.secret_hash,
                p.reward_correct, p.reward_wrong, p.reward_format_error, p.taxonomy_version,
                (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') AS stale
           FROM api_keys k JOIN projects p ON p.id = k.project_id
          WHERE k.prefix = ANY($1::text[]) AND k.revoked_at IS NULL`,
};

// One lookup per pool: the requests in flight share one read of their keys. The reads have a
// connection of their own, so that they never queue behind the pool's transactions (an ingest
// request holds its connection for a whole batch); it lets the process exit while idle.
const lookups = new WeakMap<pg.Pool, BatchedLookup<string, KeyRow>>();

function lookupFor(db: pg.Pool): BatchedLookup<string, KeyRow> {
  let lookup = lookups.get(db);
  if (!lookup) {
    const reader = new pg.Pool({ ...db.options, max: 1, allowExitOnIdle: true });
    reader.on("error", () => undefined); // an idle connection lost in a server restart is replaced on next use
    lookup = batchedLookup(async (prefixes) => {
      const { rows } = await reader.query<KeyRow>({ ...KEYS_BY_PREFIX, values: [prefixes] });
      return new Map(rows.map((row) => [row.prefix, row]));
    });
    lookups.set(db, lookup);
  }
  return lookup;
}

// Keys whose last use is being recorded, so a burst of requests records it once.
const touching = new Set<number>();

/** Records the key's last use, at most about once a minute, without making the request wait. */
function touch(db: pg.Pool, keyId: number): void {
  if (touching.has(keyId)) return;
  touching.add(keyId);
  db.query("UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", [keyId])
    .catch(() => undefined)
    .finally(() => touching.delete(keyId));
}

/**
 * The key, if it exists, matches and is not revoked, with its project's name,
 * rewards and taxonomy version. Read from PostgreSQL by a query that starts
 * after this call (shared with the other requests in flight), so a key revoked
 * or changed before the request is refused or seen changed by it: nothing
 * about keys is kept in memory.
 */
export async function verifyApiKey(db: pg.Pool, token: string): Promise<VerifiedKey | null> {
  const match = KEY_PATTERN.exec(token);
  if (!match) return null;
  const key = await lookupFor(db)(match[1]!);
  if (!key) return null;
  const expected = Buffer.from(key.secret_hash, "hex");
  const actual = Buffer.from(hash(token), "hex");
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  if (key.stale) touch(db, key.id);
  return {
    id: key.id,
    projectId: key.project_id,
    projectName: key.project_name,
    scope: key.scope,
    rewards: { correct: key.reward_correct, wrong: key.reward_wrong, formatError: key.reward_format_error },
    taxonomyVersion: key.taxonomy_version,
  };
}

/** Revokes the project's active key of that prefix; false when there is none. With `actor`, written to the audit log in the same transaction. */
export async function revokeApiKey(projectId: number, prefix: string, db: Db = prisma(), actor?: Actor): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { projectId, prefix, revokedAt: null }, select: { id: true, name: true, scope: true } });
    if (!key) return false;
    const { count } = await tx.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) return false;
    if (actor) await audit({ actor, projectId, action: "apikey.revoke", objectType: "apikey", objectId: prefix, before: { name: key.name, scope: key.scope, revoked: false }, after: { revoked: true } }, tx);
    return true;
  });
}
