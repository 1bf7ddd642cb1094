import { describe, expect, it } from "vitest";
import { checkSameOrigin, hostOrigin, isLoopback } from "./same-origin";

const allowed = ["http://localhost:3000", "http://127.0.0.1:3000"];

describe("cross-site requests", () => {
  it("lets reads through from anywhere", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(checkSameOrigin(method, "/projects/demo", { origin: "https://evil.example" }, allowed).ok).toBe(true);
  });

  it("lets a state-changing request from this app through", () => {
    expect(checkSameOrigin("POST", "/sign-in", { origin: "http://localhost:3000", secFetchSite: "same-origin" }, allowed).ok).toBe(true);
    expect(checkSameOrigin("POST", "/sign-in", { origin: "HTTP://LOCALHOST:3000" }, allowed).ok).toBe(true);
  });

  it.each([
    ["another origin", { origin: "https://evil.example" }],
    ["another port", { origin: "http://localhost:3001" }],
    ["Origin: null", { origin: "null" }],
    ["no Origin", {}],
    ["Sec-Fetch-Site: cross-site", { origin: "http://localhost:3000", secFetchSite: "cross-site" }],
  ])("refuses a POST with %s", (_name, headers) => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) expect(checkSameOrigin(method, "/projects/demo/members", headers, allowed).ok).toBe(false);
  });

  it("leaves the key-only API to its keys", () => {
    expect(checkSameOrigin("POST", "/api/v1/ingest", {}, allowed).ok).toBe(true);
    expect(checkSameOrigin("POST", "/api/v1x", {}, allowed).ok).toBe(false);
  });

  it("reads a Host header as an origin only when it is one", () => {
    expect(hostOrigin("http", "localhost:3000")).toBe("http://localhost:3000");
    expect(hostOrigin("http", "evil.example/x")).toBeNull();
    expect(hostOrigin("http", undefined)).toBeNull();
  });

  it("knows this machine's addresses", () => {
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(address)).toBe(true);
    for (const address of ["10.0.0.1", "::ffff:10.0.0.1", "fe80::1", "", undefined]) expect(isLoopback(address)).toBe(false);
  });
});
