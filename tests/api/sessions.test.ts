/**
 * Sessions and sign-in over the real HTTP stack: the sign-in page's action as
 * a browser calls it, the cookie it sets, and what ends a session.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_LIMIT } from "../../lib/auth/throttle";
import { setDisabled } from "../../lib/auth/users";
import { actionRef, callAction, cookieHeader } from "../support/actions";
import { TEST_PASSWORD, testUser } from "../support/users";
import { useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

let signIn: { id: string; page: string };
beforeAll(() => {
  signIn = actionRef("app/sign-in/actions.ts", "signIn");
});

async function signInAs(email: string, password: string, cookie?: string) {
  return callAction(api.baseUrl, signIn, { args: [null], form: { email, password, next: "/account" }, cookie });
}

/** Whether this Cookie header is a live session (the account page shows, instead of sending to sign-in). */
async function signedIn(cookie: string): Promise<boolean> {
  const response = await fetch(`${api.baseUrl}/account`, { headers: { cookie }, redirect: "manual" });
  if (response.status === 200) return true;
  expect(response.status).toBe(307);
  expect(response.headers.get("location")).toMatch(/^\/sign-in/);
  return false;
}

const sessionCookieOf = (setCookies: string[]) => setCookies.find((cookie) => cookie.startsWith("better-auth.session_token="));

afterAll(async () => {
  // The failures of these tests all come from 127.0.0.1: leave the address's count as it was for the other suites.
  await api.pool.query("DELETE FROM sign_in_throttle WHERE key LIKE 'ip:%'");
});

describe("signing in", () => {
  it("sets an HTTP-only, SameSite=Lax session cookie (not Secure over plain HTTP) and goes where the visitor was headed", async () => {
    const user = await testUser();
    const answer = await signInAs(user.email, user.password);
    expect(answer.redirect).toMatch(/^\/account;/);
    const cookie = sessionCookieOf(answer.setCookies)!;
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/i);
    expect(await signedIn(cookieHeader(answer.setCookies))).toBe(true);
  });

  it("answers a wrong password and an unknown email in the same words", async () => {
    const user = await testUser();
    const wrong = await signInAs(user.email, "not the password at all");
    const unknown = await signInAs(`nobody-${randomBytes(4).toString("hex")}@test.example`, "not the password at all");
    expect(wrong.value).toMatchObject({ error: "Wrong email or password." });
    expect(unknown.value).toEqual({ ...(wrong.value as object), values: { email: (unknown.value as { values: { email: string } }).values.email } });
    expect(wrong.setCookies.filter((c) => c.startsWith("better-auth.session_token=") && !c.startsWith("better-auth.session_token=;"))).toEqual([]);
  });

  it("does not keep a session id set before signing in (no session fixation)", async () => {
    const user = await testUser();
    const planted = "better-auth.session_token=planted-by-someone-else.c2lnbmF0dXJl";
    const answer = await signInAs(user.email, user.password, planted);
    const issued = sessionCookieOf(answer.setCookies)!;
    expect(issued).toBeDefined();
    expect(issued.split(";")[0]).not.toBe(planted);
    expect(await signedIn(planted)).toBe(false);
    expect(await signedIn(cookieHeader(answer.setCookies))).toBe(true);
  });

  it("refuses a disabled user, even with the right password", async () => {
    const user = await testUser();
    await setDisabled(user.id, true, { type: "system", id: "test" });
    expect(await signedIn(user.cookie)).toBe(false);
    const answer = await signInAs(user.email, user.password);
    expect(answer.value).toMatchObject({ error: expect.stringMatching(/disabled/) });
    const cookie = cookieHeader(answer.setCookies);
    if (cookie) expect(await signedIn(cookie)).toBe(false);
  });
});

describe("what ends a session", () => {
  it("a tampered cookie is no session", async () => {
    const user = await testUser();
    const [name, value] = user.cookie.split("=") as [string, string];
    const decoded = decodeURIComponent(value);
    const [token, signature] = decoded.split(".") as [string, string];
    // A changed first character of the signature: every bit of it counts. (Near the end of base64 text, the
    // low bits of the last character before the padding are padding too, and a change there can decode the same.)
    const flipped = `${token}.${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    expect(await signedIn(user.cookie)).toBe(true);
    expect(await signedIn(`${name}=${encodeURIComponent(flipped)}`)).toBe(false);
    expect(await signedIn(`${name}=${encodeURIComponent(`${token}x.${signature}`)}`)).toBe(false);
  });

  it("expiry", async () => {
    const user = await testUser();
    expect(await signedIn(user.cookie)).toBe(true);
    await api.pool.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.id]);
    expect(await signedIn(user.cookie)).toBe(false);
  });

  it("signing out everywhere ends every session of the user, and only theirs", async () => {
    const user = await testUser();
    const other = await testUser();
    const second = cookieHeader((await signInAs(user.email, user.password)).setCookies);
    expect(await signedIn(second)).toBe(true);
    const answer = await callAction(api.baseUrl, actionRef("app/account/actions.ts", "signOutEverywhere"), { cookie: user.cookie, pageUrl: "/account" });
    expect(answer.redirect).toMatch(/^\/sign-in/);
    expect(await signedIn(user.cookie)).toBe(false);
    expect(await signedIn(second)).toBe(false);
    expect(await signedIn(other.cookie)).toBe(true);
  });

  it("changing the password ends the other sessions; the one that changed it carries on", async () => {
    const user = await testUser();
    const second = cookieHeader((await signInAs(user.email, user.password)).setCookies);
    const newPassword = "another password, long enough";
    const answer = await callAction(api.baseUrl, actionRef("app/account/actions.ts", "changePassword"), {
      args: [null],
      form: { current: TEST_PASSWORD, password: newPassword, confirm: newPassword },
      cookie: user.cookie,
    });
    expect(answer.value).toMatchObject({ ok: expect.stringMatching(/Password changed/) });
    expect(await signedIn(second)).toBe(false);
    const renewed = cookieHeader(answer.setCookies);
    expect(await signedIn(renewed || user.cookie)).toBe(true);
    expect((await signInAs(user.email, TEST_PASSWORD)).value).toMatchObject({ error: "Wrong email or password." });
    expect((await signInAs(user.email, newPassword)).redirect).toMatch(/^\/account;/);
  });

  it("a wrong current password changes nothing", async () => {
    const user = await testUser();
    const answer = await callAction(api.baseUrl, actionRef("app/account/actions.ts", "changePassword"), {
      args: [null],
      form: { current: "not my password", password: "whatever password 2", confirm: "whatever password 2" },
      cookie: user.cookie,
    });
    expect(answer.value).toMatchObject({ fields: { current: expect.any(String) } });
    expect(await signedIn(user.cookie)).toBe(true);
  });
});

describe("sign-in limits", () => {
  it(`${ACCOUNT_LIMIT} wrong passwords in a row lock the account, the right one included, with the same answer for an unknown email`, async () => {
    const user = await testUser();
    const unknown = `nobody-${randomBytes(4).toString("hex")}@test.example`;
    const answers: Record<string, unknown[]> = { known: [], unknown: [] };
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      answers.known!.push(((await signInAs(user.email, `wrong ${i} password`)).value as { error: string }).error);
      answers.unknown!.push(((await signInAs(unknown, `wrong ${i} password`)).value as { error: string }).error);
    }
    expect(answers.known!.slice(0, ACCOUNT_LIMIT - 1)).toEqual(Array(ACCOUNT_LIMIT - 1).fill("Wrong email or password."));
    expect(answers.known![ACCOUNT_LIMIT - 1]).toMatch(/^Too many failed sign-ins for this account: it is locked for a while\. Try again in 15 minutes\.$/);
    expect(answers.unknown).toEqual(answers.known);
    const locked = await signInAs(user.email, user.password);
    expect(locked.value).toMatchObject({ error: expect.stringMatching(/^Too many failed sign-ins for this account/) });
    expect(locked.redirect).toBeNull();
    // The lock is the account's, not the address's: someone else signs in from here.
    const other = await testUser();
    expect((await signInAs(other.email, other.password)).redirect).toMatch(/^\/account;/);
    // When it runs out, the right password works again.
    await api.pool.query("UPDATE sign_in_throttle SET locked_until = now() - interval '1 second' WHERE key = $1", [`email:${user.email}`]);
    expect((await signInAs(user.email, user.password)).redirect).toMatch(/^\/account;/);
  }, 120_000);

  it("a success ends the run of failures", async () => {
    const user = await testUser();
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) await signInAs(user.email, "wrong password here");
    expect((await signInAs(user.email, user.password)).redirect).toMatch(/^\/account;/);
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) expect((await signInAs(user.email, "wrong password here")).value).toMatchObject({ error: "Wrong email or password." });
  }, 120_000);
});

describe("cross-site requests", () => {
  it("refuses a state-changing request from another origin, Origin: null, or none, before any action runs", async () => {
    const user = await testUser();
    for (const origin of ["https://evil.example", "null", undefined]) {
      const headers: Record<string, string> = { "next-action": signIn.id };
      if (origin) headers.origin = origin;
      const body = new FormData();
      body.append("_1_email", user.email);
      body.append("_1_password", user.password);
      body.append("0", JSON.stringify([null, "$K1"]));
      const response = await fetch(`${api.baseUrl}/sign-in`, { method: "POST", headers: { ...headers, cookie: user.cookie }, body, redirect: "manual" });
      expect(response.status, String(origin)).toBe(403);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });
});
