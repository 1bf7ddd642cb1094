/**
 * Failed sign-ins, counted in the database so every server process sees the
 * same counts: per account (keyed by the email as typed, lower-cased, whether
 * or not such a user exists, so the answer never tells) and, more generously,
 * per client address (a team behind one address is not locked out by one
 * person's mistakes, and one address cannot try many accounts).
 */
import { pool } from "../db/pool";

export const ACCOUNT_LIMIT = 20;
export const ADDRESS_LIMIT = 200;
/** How long a lock lasts; an address's count also starts again after this long without a failure. */
export const LOCK_MINUTES = 15;

export type Lock = { kind: "account" | "address"; until: Date };

const accountKey = (email: string) => `email:${email.trim().toLowerCase()}`;
const addressKey = (address: string) => `ip:${address}`;

/** The lock in force for this account or address, if any. */
export async function lockFor(email: string, address: string | null): Promise<Lock | null> {
  const keys = [accountKey(email), ...(address ? [addressKey(address)] : [])];
  const { rows } = await pool().query<{ key: string; locked_until: Date }>(
    "SELECT key, locked_until FROM sign_in_throttle WHERE key = ANY($1) AND locked_until > now() ORDER BY locked_until DESC",
    [keys],
  );
  const row = rows[0];
  return row ? { kind: row.key.startsWith("email:") ? "account" : "address", until: row.locked_until } : null;
}

/**
 * Counts one failure against the account and the address (one statement each,
 * atomic under concurrent attempts); reaching a limit locks for LOCK_MINUTES.
 * A count whose lock has run out, or an address count idle for LOCK_MINUTES,
 * starts again at one.
 */
export async function recordFailure(email: string, address: string | null): Promise<void> {
  const sql = `
    INSERT INTO sign_in_throttle AS t (key, failures, locked_until, updated_at)
    VALUES ($1, 1, CASE WHEN $2::int <= 1 THEN now() + make_interval(mins => $3) END, now())
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.locked_until <= now() OR ($4 AND t.updated_at < now() - make_interval(mins => $3)) THEN 1 ELSE t.failures + 1 END,
      locked_until = CASE
        WHEN t.locked_until > now() THEN t.locked_until
        WHEN (CASE WHEN t.locked_until <= now() OR ($4 AND t.updated_at < now() - make_interval(mins => $3)) THEN 1 ELSE t.failures + 1 END) >= $2
          THEN now() + make_interval(mins => $3)
      END,
      updated_at = now()`;
  const db = pool();
  await db.query(sql, [accountKey(email), ACCOUNT_LIMIT, LOCK_MINUTES, false]);
  if (address) await db.query(sql, [addressKey(address), ADDRESS_LIMIT, LOCK_MINUTES, true]);
}

/** A successful sign-in ends the account's run of failures (the address keeps its count). */
export async function recordSuccess(email: string): Promise<void> {
  await pool().query("DELETE FROM sign_in_throttle WHERE key = $1", [accountKey(email)]);
}

/** The sentence shown for a lock: the same for an account that exists and one that does not. */
export function lockMessage(lock: Lock, now = new Date()): string {
  const minutes = Math.max(1, Math.ceil((lock.until.getTime() - now.getTime()) / 60_000));
  const wait = `Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  return lock.kind === "account"
    ? `Too many failed sign-ins for this account: it is locked for a while. ${wait}`
    : `Too many failed sign-ins from your network. ${wait}`;
}
