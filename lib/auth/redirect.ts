/**
 * Where to go after signing in: only a path of this app. Anything else (an
 * absolute URL, `//host`, `/\host`, a control character) falls back to "/",
 * so the sign-in page cannot be used as an open redirect.
 */

/** Set by proxy.ts on every page request: the path and query the visitor asked for. */
export const REQUEST_PATH_HEADER = "x-ib-request-path";

export function safeNext(value: string | null | undefined): string {
  const path = localPath(value);
  return path === "/sign-in" || path.startsWith("/sign-in?") ? "/" : path;
}

/** `value` when it is a path of this app (query and fragment kept), else "/". */
export function localPath(value: string | null | undefined): string {
  if (!value || value.length > 2000) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  // Control characters and backslashes can turn a path into a host in some parsers.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  const base = "http://app.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return "/";
  }
  if (url.origin !== base) return "/";
  return url.pathname + url.search + url.hash;
}

/** The sign-in page, with the way back to `next` (when it is a path of this app). */
export function signInPath(next: string | null | undefined): string {
  const back = safeNext(next);
  return back === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(back)}`;
}
