/**
 * The client's address as scripts/serve.ts recorded it in X-Forwarded-For:
 * the connection's own address, or with IB_TRUST_PROXY the proxy's first entry.
 */
export function clientAddress(headers: Headers): string | null {
  const value = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return value ? value : null;
}
