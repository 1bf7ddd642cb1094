/**
 * Sign-in and sessions through Better Auth, on our PostgreSQL through its
 * Prisma adapter (tables in prisma/schema/auth.prisma).
 *
 * Its HTTP handler is not mounted: the app calls its server API from server
 * actions and from one route (the one-time link), so every way in passes our
 * own checks first (the per-account and per-address limits in ./throttle.ts,
 * disabled users, the origin check in lib/http/guard.ts), and there is no
 * sign-up endpoint at all. Passwords are hashed with scrypt (the library's
 * default). The session cookie is HTTP-only, SameSite=Lax, and Secure when the
 * public URL is HTTPS; sessions live in the database (no cookie cache), so
 * signing out, revocation and disabling a user take effect on the next request.
 *
 * This module is shared by the server and the command line; the server's
 * instance (./server.ts) adds the plugin that sets cookies from server actions.
 */
import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { magicLink } from "better-auth/plugins";
import { readEnv } from "../config";
import { prisma } from "../db/prisma";
import { authSecret } from "./secret";

/** Where the one-time links point (the library's routes under it; only the link's is served, app/auth/). */
export const AUTH_BASE_PATH = "/auth";
/**
 * A session lasts this long from sign-in, then the user signs in again. Not
 * renewed while in use: pages cannot set cookies, so a renewal there would
 * extend the session in the database but not the cookie's lifetime.
 */
export const SESSION_SECONDS = 7 * 24 * 3600;
/** A one-time sign-in link (an invitation) is valid this long. */
export const LINK_SECONDS = 7 * 24 * 3600;

/** The address the app is reached at: IB_PUBLIC_URL, or http://localhost:PORT. */
export function publicUrl(): string {
  const env = readEnv();
  return (env.IB_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
}

// signInMagicLink hands the link to sendMagicLink instead of returning it: keep it for the caller that asked.
// On globalThis, like the instance below: `npm start` loads this module twice in one process (once
// through tsx for the first admin, once in the Next.js bundle), and the instance made by the first
// copy must hand its links to the second copy's takeLink.
const globalForLinks = globalThis as unknown as { ibSignInLinks?: Map<string, string> };
const links = (globalForLinks.ibSignInLinks ??= new Map<string, string>());

/** The sign-in link just made for `email`, once. */
export function takeLink(email: string): string | undefined {
  const key = email.toLowerCase();
  const url = links.get(key);
  links.delete(key);
  return url;
}

export function createAuth<Plugins extends BetterAuthPlugin[]>(secret: string, plugins: Plugins) {
  return betterAuth({
    appName: "Interaction Browser",
    baseURL: publicUrl(),
    basePath: AUTH_BASE_PATH,
    secret,
    database: prismaAdapter(prisma(), { provider: "postgresql" }),
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 10, maxPasswordLength: 256, revokeSessionsOnPasswordReset: true },
    session: { expiresIn: SESSION_SECONDS, disableSessionRefresh: true, cookieCache: { enabled: false } },
    user: {
      additionalFields: {
        isAdmin: { type: "boolean", defaultValue: false, input: false },
        disabledAt: { type: "date", required: false, input: false },
      },
    },
    // scripts/serve.ts puts the connection's own address here (a client's value is replaced).
    advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"] }, defaultCookieAttributes: { httpOnly: true, sameSite: "lax" } },
    // The library's own limiter keys on the path alone here; ours (./throttle.ts) counts failures per account and address.
    rateLimit: { enabled: false },
    plugins: [
      magicLink({
        disableSignUp: true,
        expiresIn: LINK_SECONDS,
        storeToken: "hashed",
        sendMagicLink: ({ email, url }) => void links.set(email.toLowerCase(), url),
      }),
      ...plugins,
    ],
  });
}

export type CoreAuth = ReturnType<typeof createAuth<[]>>;

const globalForAuth = globalThis as unknown as { ibCoreAuth?: Promise<CoreAuth> };

/** The command line's auth instance: users, links, sessions (no cookies). */
export function coreAuth(): Promise<CoreAuth> {
  globalForAuth.ibCoreAuth ??= authSecret().then((secret) => createAuth(secret, []));
  globalForAuth.ibCoreAuth.catch(() => (globalForAuth.ibCoreAuth = undefined));
  return globalForAuth.ibCoreAuth;
}
