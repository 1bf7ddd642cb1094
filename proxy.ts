/**
 * Runs before every page (Next.js's Proxy file convention): a fresh nonce and
 * the Content-Security-Policy built on it (lib/http/security-headers.ts). The
 * policy is set on the request too, where Next.js reads the nonce and puts it
 * on its own scripts, and on the response, where the browser enforces it.
 * Every page is rendered per request (app/layout.tsx), so each gets its nonce.
 */
import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_PATH_HEADER } from "./lib/auth/redirect";
import { contentSecurityPolicy, newNonce } from "./lib/http/security-headers";

export function proxy(request: NextRequest): NextResponse {
  const policy = contentSecurityPolicy({ nonce: newNonce(), dev: process.env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  // Where a signed-out visitor returns after signing in (the pages check access themselves, lib/auth/access.ts).
  requestHeaders.set(REQUEST_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only: the JSON API and the build's static files are no documents (they get the plain headers, scripts/serve.ts);
  // prefetches fetch data for a page whose document already has its policy.
  matcher: [
    {
      source: "/((?!api/|_next/static/|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
