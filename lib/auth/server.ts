import "server-only";
import { nextCookies } from "better-auth/next-js";
import { createAuth } from "./core";
import { authSecret } from "./secret";

function serverAuth(secret: string) {
  // nextCookies: a sign-in from a server action sets its cookie on the action's answer.
  return createAuth(secret, [nextCookies()]);
}
export type ServerAuth = ReturnType<typeof serverAuth>;

const globalForAuth = globalThis as unknown as { ibServerAuth?: Promise<ServerAuth> };

/** The web server's auth instance. */
export function auth(): Promise<ServerAuth> {
  globalForAuth.ibServerAuth ??= authSecret().then(serverAuth);
  globalForAuth.ibServerAuth.catch(() => (globalForAuth.ibServerAuth = undefined));
  return globalForAuth.ibServerAuth;
}
