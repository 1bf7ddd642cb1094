/**
 * The security headers of every answer, framework-free. Pages get a
 * Content-Security-Policy with a fresh nonce per request (set by proxy.ts,
 * which hands the policy to Next.js on the request so Next puts the nonce on
 * its own scripts); every answer, pages, API and the server's own refusals,
 * gets the plain headers (scripts/serve.ts).
 *
 * Untrusted text (customer messages, model output, names) is rendered by React
 * as text; the policy is the second line: were markup ever to slip through, no
 * script without this request's nonce runs, and nothing loads from elsewhere.
 */

/** Headers for every answer, whatever its type. */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  // Its addresses carry filter values (run names, search text): never sent to another site. Not
  // `no-referrer`: under it a browser sends `Origin: null` with a plain form post (a form submitted
  // before the page's scripts ran, or without them), which the same-origin check must refuse.
  "referrer-policy": "same-origin",
  // For browsers that predate CSP's frame-ancestors.
  "x-frame-options": "DENY",
};

/** 128 random bits, base64: unguessable, and in the character set a CSP nonce-source allows. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

const NONCE_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * The page policy. Production: scripts only with this request's nonce
 * ('strict-dynamic' lets them load the app's chunks), never inline or eval.
 * Styles: the app's stylesheet (Tailwind's, served from 'self') and inline
 * `<style>` elements Next marks with the nonce. Style attributes
 * (style-src-attr, falling back to style-src) stay blocked: the app renders
 * none, and a blocked attribute keeps injected CSS out of the page too.
 * Development (`npm run dev`): React rebuilds server error stacks with eval,
 * and Next's error overlay injects styles without a nonce, so both are allowed
 * there and only there; a nonce beside 'unsafe-inline' would disable it.
 */
export function contentSecurityPolicy({ nonce, dev }: { nonce: string; dev: boolean }): string {
  if (!NONCE_PATTERN.test(nonce)) throw new Error("a CSP nonce must be base64 characters");
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", ...(dev ? ["'unsafe-inline'"] : [`'nonce-${nonce}'`])],
    ["img-src", "'self'"],
    ["font-src", "'self'"],
    ["connect-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
    // No upgrade-insecure-requests: the app is served over plain HTTP by default (http://localhost:3000).
  ];
  return directives.map((directive) => directive.join(" ")).join("; ");
}
