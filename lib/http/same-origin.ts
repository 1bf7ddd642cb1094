/**
 * Cross-site request refusal for everything that a browser's cookie could
 * authorise: a state-changing request (anything but GET, HEAD and OPTIONS)
 * outside the key-only JSON API must carry an Origin header naming this app.
 * A missing Origin, `Origin: null` (sandboxed frames, some redirects) and
 * `Sec-Fetch-Site: cross-site` are refused too. Next.js's own server-action
 * check lets a request without Origin through, so this runs before it, in the
 * custom server (scripts/serve.ts), for every request.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginVerdict = { ok: true } | { ok: false; message: string };

/**
 * `allowed`: the origins this app is served at (IB_PUBLIC_URL's, and the one
 * the request's Host header names on the scheme the connection used).
 */
export function checkSameOrigin(method: string, path: string, headers: { origin?: string; secFetchSite?: string }, allowed: readonly string[]): OriginVerdict {
  if (SAFE_METHODS.has(method.toUpperCase())) return { ok: true };
  // The JSON API takes API keys only, never cookies: another site's request carries nothing it could use.
  if (path === "/api/v1" || path.startsWith("/api/v1/")) return { ok: true };
  if (headers.secFetchSite === "cross-site") return { ok: false, message: "a request from another site cannot change anything here" };
  const origin = headers.origin;
  if (!origin) return { ok: false, message: "a request that changes something must say where it comes from (no Origin header)" };
  if (origin === "null") return { ok: false, message: "a request from an opaque origin cannot change anything here" };
  if (!allowed.includes(origin.toLowerCase())) return { ok: false, message: "a request from another site cannot change anything here" };
  return { ok: true };
}

/** The origin a Host header names, or null when it is not a plausible host[:port]. */
export function hostOrigin(scheme: "http" | "https", host: string | undefined): string | null {
  if (!host || !/^[A-Za-z0-9.\-_[\]:]+$/.test(host)) return null;
  try {
    return new URL(`${scheme}://${host}`).origin.toLowerCase();
  } catch {
    return null;
  }
}

/** Whether a socket's remote address is this machine. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  return plain === "::1" || /^127\./.test(plain);
}
