import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepAliveFetch } from "./keep-alive-fetch";

let server: http.Server;
let base: string;
const seen: { method?: string; body: string; headers: http.IncomingHttpHeaders; socket: number }[] = [];
const sockets = new Map<unknown, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
      seen.push({ method: req.method, body: Buffer.concat(chunks).toString(), headers: req.headers, socket: sockets.get(req.socket)! });
      if (req.url === "/gzip") return void res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(gzipSync('{"ok":true}'));
      if (req.url === "/limited") return void res.writeHead(429, { "retry-after": "2" }).end("slow down");
      if (req.url === "/drop") return void req.socket.destroy();
      if (req.url === "/hang") return;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ echo: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("keepAliveFetch", () => {
  const { fetch, close } = keepAliveFetch();
  afterAll(close);

  it("sends the method, headers and body, and reuses the connection", async () => {
    seen.length = 0;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/echo`, { method: "POST", headers: new Headers({ "content-type": "application/json", authorization: "Bearer k" }), body: `{"n":${i}}` });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ echo: `{"n":${i}}` });
    }
    expect(seen.map((s) => [s.method, s.headers.authorization, s.headers["content-length"]])).toEqual([0, 1, 2].map(() => ["POST", "Bearer k", "7"]));
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });

  it("decodes a gzipped answer and keeps the status and headers of an error", async () => {
    expect(await (await fetch(`${base}/gzip`)).json()).toEqual({ ok: true });
    const limited = await fetch(`${base}/limited`);
    expect([limited.status, limited.headers.get("retry-after"), await limited.text()]).toEqual([429, "2", "slow down"]);
  });

  it("fails like fetch on a dropped connection, and with the abort reason when aborted", async () => {
    await expect(fetch(`${base}/drop`, { method: "POST", body: "x" })).rejects.toMatchObject({ name: "TypeError", message: "fetch failed" });
    const controller = new AbortController();
    const hanging = fetch(`${base}/hang`, { method: "POST", body: "x", signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(hanging).rejects.toMatchObject({ name: "AbortError" });
  });
});
