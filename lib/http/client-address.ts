/**
 * The client's address as scripts/serve.ts recorded it in X-Forwarded-For:
 * the connection's own address, or with IB_TRUST_PROXY the proxy's first entry.
 */
export function clientAddress(headers: Headers): string | null {
  // An address is at most 45 characters (IPv6 with an IPv4 tail); a proxy's header is cut, not trusted to be short.
  const value = headers.get("x-forwarded-for")?.split(",")[0]?.trim().slice(0, 64);
  return value ? value : null;
}
