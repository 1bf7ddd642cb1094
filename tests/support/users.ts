/**
 * Users for tests, made the way the product makes them (lib/auth/users.ts),
 * and signed in the way a browser is: Better Auth's sign-in answers with the
 * session cookie the app's server accepts (same database, same secret).
 */
import { randomBytes } from "node:crypto";
import { coreAuth } from "../../lib/auth/core";
import type { Role } from "../../lib/auth/roles";
import { createUser, setRole } from "../../lib/auth/users";

export const TEST_PASSWORD = "a test password, long enough";

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** The Cookie header of a fresh session. */
  cookie: string;
}

/** A new user (an instance admin with `admin`), member of each project given, signed in once. */
export async function testUser(options: { admin?: boolean; memberships?: { projectId: number; role: Role }[]; label?: string } = {}): Promise<TestUser> {
  const email = `${options.label ?? "user"}-${randomBytes(5).toString("hex")}@test.example`;
  const actor = { type: "system", id: "test" } as const;
  const id = await createUser({ email, password: TEST_PASSWORD, isAdmin: options.admin ?? false }, actor);
  for (const membership of options.memberships ?? []) await setRole(membership.projectId, id, membership.role, actor);
  return { id, email, password: TEST_PASSWORD, cookie: await sessionCookie(email, TEST_PASSWORD) };
}

/** Signs in and returns the Cookie header for the new session. */
export async function sessionCookie(email: string, password: string): Promise<string> {
  const response = await (await coreAuth()).api.signInEmail({ body: { email, password }, asResponse: true, headers: new Headers() });
  if (!response.ok) throw new Error(`sign-in of ${email} failed: ${response.status}`);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0]!)
    .join("; ");
}
