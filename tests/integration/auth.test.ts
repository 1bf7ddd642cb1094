/**
 * Sign-in limits and the session cookie's attributes, against real PostgreSQL
 * (the HTTP side is in tests/api/sessions.test.ts).
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createAuth } from "../../lib/auth/core";
import { ADDRESS_LIMIT, lockFor, lockMessage, recordFailure, recordSuccess } from "../../lib/auth/throttle";
import { adminExists, createUser, ensureAdmin, setDisabled } from "../../lib/auth/users";
import { completeSetup, prepareFirstAdmin, setupTokenValid } from "../../lib/auth/first-admin";
import { useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

const email = () => `u-${randomBytes(4).toString("hex")}@test.example`;
const address = () => `10.${Array.from(randomBytes(3)).join(".")}`;

describe("per-address limit", () => {
  it(`${ADDRESS_LIMIT} failures from one address, across any accounts, lock that address only`, async () => {
    const here = address();
    const elsewhere = address();
    for (let i = 0; i < ADDRESS_LIMIT - 1; i++) await recordFailure(email(), here);
    expect(await lockFor(email(), here)).toBeNull();
    await recordFailure(email(), here);
    const lock = await lockFor(email(), here);
    expect(lock?.kind).toBe("address");
    expect(lockMessage(lock!)).toMatch(/^Too many failed sign-ins from your network\. Try again in 1[45] minutes\.$/);
    expect(await lockFor(email(), elsewhere)).toBeNull();
  }, 60_000);

  it("an address idle for the lock's length starts counting again; an account does not", async () => {
    const here = address();
    const account = email();
    for (let i = 0; i < 19; i++) await recordFailure(account, here);
    await db.pool.query("UPDATE sign_in_throttle SET updated_at = now() - interval '16 minutes' WHERE key IN ($1, $2)", [`ip:${here}`, `email:${account}`]);
    await recordFailure(account, here);
    const { rows } = await db.pool.query<{ key: string; failures: number }>("SELECT key, failures FROM sign_in_throttle WHERE key IN ($1, $2) ORDER BY key", [`email:${account}`, `ip:${here}`]);
    expect(rows).toEqual([{ key: `email:${account}`, failures: 20 }, { key: `ip:${here}`, failures: 1 }]);
    expect((await lockFor(account, null))?.kind).toBe("account");
    await recordSuccess(account);
    expect(await lockFor(account, null)).toBeNull();
  });

  it("counts concurrent failures exactly", async () => {
    const account = email();
    await Promise.all(Array.from({ length: 15 }, () => recordFailure(account, null)));
    const { rows } = await db.pool.query<{ failures: number }>("SELECT failures FROM sign_in_throttle WHERE key = $1", [`email:${account}`]);
    expect(rows[0]!.failures).toBe(15);
  });
});

describe("the session cookie", () => {
  it("is Secure (and __Secure- prefixed) when the app is reached over HTTPS", async () => {
    const user = email();
    await createUser({ email: user, password: "a long enough password" }, { type: "system", id: "test" });
    const previous = process.env.IB_PUBLIC_URL;
    process.env.IB_PUBLIC_URL = "https://ib.example.com";
    try {
      const secure = createAuth("s".repeat(32), []);
      const answer = await secure.api.signInEmail({ body: { email: user, password: "a long enough password" }, asResponse: true, headers: new Headers() });
      const cookie = answer.headers.getSetCookie().find((each) => each.includes("session_token="))!;
      expect(cookie).toMatch(/^__Secure-better-auth\.session_token=/);
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(cookie).toMatch(/; SameSite=Lax/i);
    } finally {
      if (previous === undefined) delete process.env.IB_PUBLIC_URL;
      else process.env.IB_PUBLIC_URL = previous;
    }
  });
});

describe("the first admin", () => {
  it("a setup token works once, and not at all once an admin exists", async () => {
    // This database is shared: other tests may have made admins. Start from none.
    await db.pool.query("UPDATE users SET disabled_at = now() WHERE is_admin AND disabled_at IS NULL");
    expect(await adminExists()).toBe(false);
    const link = await prepareFirstAdmin(() => undefined);
    const token = new URL(link!).searchParams.get("token")!;
    expect(await setupTokenValid(token)).toBe(true);
    expect(await setupTokenValid(token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBe(false);
    const results = await Promise.all([completeSetup(token, email(), "first admin password"), completeSetup(token, email(), "first admin password")]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await adminExists()).toBe(true);
    expect(await setupTokenValid(token)).toBe(false);
    expect(await prepareFirstAdmin(() => undefined)).toBeNull();
  });

  it("IB_ADMIN_EMAIL makes an existing, disabled user an admin again with the given password", async () => {
    const user = email();
    const id = await createUser({ email: user }, { type: "system", id: "test" });
    await setDisabled(id, true, { type: "system", id: "test" });
    expect(await ensureAdmin(user, "the admin password")).toBe("updated");
    const { rows } = await db.pool.query<{ is_admin: boolean; disabled_at: Date | null }>("SELECT is_admin, disabled_at FROM users WHERE id = $1", [id]);
    expect(rows[0]).toEqual({ is_admin: true, disabled_at: null });
    expect(await ensureAdmin(email(), "another admin password")).toBe("created");
  });
});
