import { describe, expect, it } from "vitest";
import { BASE_SECURITY_HEADERS, contentSecurityPolicy, newNonce } from "./security-headers";

/** The policy as a map from directive name to its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(";").map((part) => {
    const [name, ...sources] = part.trim().split(/\s+/);
    return [name!, sources];
  }));
}

describe("contentSecurityPolicy", () => {
  it("allows scripts only with the request's nonce in production, never inline or eval", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "abc123==", dev: false }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(policy.get("style-src")).toEqual(["'self'", "'nonce-abc123=='"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("img-src")).toEqual(["'self'"]);
    expect(policy.has("style-src-attr")).toBe(false); // falls back to style-src: no style attributes
  });

  it("allows eval and inline styles in development only, and then without a nonce for styles", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "abc123", dev: true }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'", "'unsafe-eval'"]);
    // A nonce beside 'unsafe-inline' would make browsers ignore 'unsafe-inline'.
    expect(policy.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it("is one header line of directives separated by semicolons", () => {
    const policy = contentSecurityPolicy({ nonce: "n0nce", dev: false });
    expect(policy).not.toMatch(/[\r\n]/);
    expect(policy.startsWith("default-src 'self'; script-src 'self' 'nonce-n0nce' 'strict-dynamic'; ")).toBe(true);
  });

  it("refuses a nonce that could break out of its source expression", () => {
    for (const bad of ["", "a b", "x'; script-src *", "a;b", "abc\n"]) {
      expect(() => contentSecurityPolicy({ nonce: bad, dev: false })).toThrow(/nonce/);
    }
  });
});

describe("newNonce", () => {
  it("is 16 random bytes in base64, different every time", () => {
    const nonces = Array.from({ length: 200 }, () => newNonce());
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
      expect(() => contentSecurityPolicy({ nonce, dev: false })).not.toThrow();
    }
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});

describe("BASE_SECURITY_HEADERS", () => {
  it("forbids sniffing, referrers and framing", () => {
    expect(BASE_SECURITY_HEADERS).toEqual({ "x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "DENY" });
  });
});
