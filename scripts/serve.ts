/**
 * The app's HTTP server: Next.js inside a plain Node `http` server (Next's
 * "custom server"), which answers the RL feedback endpoints itself
 * (lib/api/direct.ts) and hands every other request to Next.
 *
 * `npm start` runs it after preparing the database (scripts/start.ts). Alone,
 * for tests and benchmarks, on a built app and a migrated database:
 *   DATABASE_URL=... PORT=3000 HOST=127.0.0.1 node --import tsx scripts/serve.ts [--dev]
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { directHandler, serveDirect } from "../lib/api/direct";
import { errorBody } from "../lib/api/errors";
import { readEnv } from "../lib/config";
import { publicUrl } from "../lib/auth/core";
import { closePool } from "../lib/db/pool";
import { screenRequest, type Screening } from "../lib/http/guard";
import { checkSameOrigin, hostOrigin, isLoopback } from "../lib/http/same-origin";
import { adminExists } from "../lib/auth/users";
import { BASE_SECURITY_HEADERS } from "../lib/http/security-headers";
import { startJudgeWorker } from "../lib/judging/worker";
import { startSearchIndexer } from "../lib/search/indexer";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface AppServer {
  close(): Promise<void>;
}

export async function startAppServer(options: { dev: boolean; hostname: string; port: number }): Promise<AppServer> {
  (process.env as Record<string, string | undefined>).NODE_ENV ??= options.dev ? "development" : "production";
  const env = readEnv();
  // Deliberate timeouts instead of Node's defaults (5 minutes for a whole
  // request, checked every 30 s): headers must arrive promptly, an idle
  // keep-alive connection is closed soon, and a body gets the API's body
  // timeout (answered 408 as JSON by lib/api/handler.ts) plus a margin, after
  // which Node itself answers 408 and closes the connection.
  const server = http.createServer({
    headersTimeout: env.IB_HTTP_HEADERS_TIMEOUT_MS,
    requestTimeout: env.IB_HTTP_HEADERS_TIMEOUT_MS + env.IB_API_BODY_TIMEOUT_MS + 5_000,
    keepAliveTimeout: env.IB_HTTP_KEEPALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(1_000, env.IB_HTTP_HEADERS_TIMEOUT_MS),
  });
  const app = next({ dev: options.dev, dir: ROOT, hostname: options.hostname, port: options.port, httpServer: server });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
    // Every answer (pages, API, refusals); pages add their Content-Security-Policy in proxy.ts.
    for (const [name, value] of Object.entries(BASE_SECURITY_HEADERS)) response.setHeader(name, value);
    const screening = screenRequest(request.method ?? "", request.url ?? "");
    if (screening.ok === false) return refuse(screening, response);
    if (screening.ok === "not-found") request.url = NOT_FOUND_PATH;
    // The client's address for sign-in limits and sessions: the connection's own, unless a trusted proxy tells it.
    if (!env.IB_TRUST_PROXY || !request.headers["x-forwarded-for"]) request.headers["x-forwarded-for"] = request.socket.remoteAddress ?? "";
    const path = (request.url ?? "/").split("?")[0]!;
    const origin = checkSameOrigin(request.method ?? "", path, { origin: header(request, "origin"), secFetchSite: header(request, "sec-fetch-site") }, allowedOrigins(request));
    if (!origin.ok) return refuse({ ok: false, status: 403, code: "cross_site", message: origin.message, api: false, headers: {} }, response);
    void answerOnceSafe(request, response, () => {
      const direct = directHandler(request);
      if (direct) void serveDirect(direct, request, response);
      else
        handleNext(request, response).catch((error: unknown) => {
          console.error("[ib] unhandled error in the Next.js handler", error);
          if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
          response.end("internal error");
        });
    });
  });
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  // Completions stored since the last pass are searched directly until indexed: keep that tail short.
  const indexer = startSearchIndexer({ log: (line) => console.error(line) });
  // Judge jobs queued through the API or left running by a previous process (lib/judging/worker.ts).
  const judges = await startJudgeWorker({ log: (line) => console.error(line) });
  return {
    async close() {
      await indexer.stop();
      await judges.stop();
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5000).unref();
      await closed;
      clearTimeout(force);
      await app.close();
    },
  };
}

const clientAddressOf = (request: http.IncomingMessage) => header(request, "x-forwarded-for")?.split(",")[0]?.trim();

const header = (request: http.IncomingMessage, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function allowedOrigins(request: http.IncomingMessage): string[] {
  const scheme = (request.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  const own = hostOrigin(scheme, header(request, "host"));
  return [new URL(publicUrl()).origin.toLowerCase(), ...(own ? [own] : [])];
}

// Once an enabled instance admin exists the answer stays yes (a check costs a query, so "no" is kept for a second).
let adminSeen = false;
let adminCheckedAt = 0;
async function firstAdminExists(): Promise<boolean> {
  if (adminSeen) return true;
  if (Date.now() - adminCheckedAt < 1_000) return false;
  adminSeen = await adminExists();
  adminCheckedAt = Date.now();
  return adminSeen;
}

/**
 * Until the first admin exists, the app answers this machine only, whatever
 * interface it listens on: the one-time setup link is printed here, and
 * nobody else should reach the customer conversations of an instance that
 * nobody administers yet.
 */
async function answerOnceSafe(request: http.IncomingMessage, response: http.ServerResponse, serve: () => void): Promise<void> {
  // Behind a trusted proxy the client is the proxy's first entry (scripts/serve.ts put the connection's own there otherwise).
  if (isLoopback(clientAddressOf(request))) return serve();
  let ready: boolean;
  try {
    ready = await firstAdminExists();
  } catch {
    ready = false;
  }
  if (ready) return serve();
  const api = (request.url ?? "").startsWith("/api/v1");
  refuse({ ok: false, status: 403, code: "no_admin_yet", message: "this Interaction Browser has no admin yet: open the one-time setup link that `npm start` printed, on the machine it runs on", api, headers: {} }, response);
}

/** A path no page has: Next.js answers it with the app's not-found page (404). */
const NOT_FOUND_PATH = "/_not-found-page";

function refuse(screening: Extract<Screening, { ok: false }>, response: http.ServerResponse): void {
  const body =
    screening.status === 204 ? ""
    : screening.api ? JSON.stringify(errorBody(screening.code, screening.message))
    : `${screening.status} ${http.STATUS_CODES[screening.status] ?? ""}: ${screening.message}\n`;
  response.writeHead(screening.status, {
    ...screening.headers,
    ...(body ? { "content-type": screening.api ? "application/json; charset=utf-8" : "text/plain; charset=utf-8" } : {}),
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  response.end(body);
}

/**
 * What Node's parser refuses before any handler runs (headers too large, not
 * HTTP, headers too slow): answered like every other error, JSON under
 * /api/v1 when the request line says so, instead of Node's empty answer.
 */
function answerClientError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void {
  // `_httpMessage` is the response Node attached to this socket: once its headers went out, nothing more can be said.
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === "ECONNRESET" || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const message =
    status === 431 ? "the request line or headers are larger than the server accepts"
    : status === 408 ? "the request did not arrive in time"
    : "the request is not valid HTTP";
  const requestLine = error.rawPacket?.subarray(0, 256).toString("latin1").split("\r\n")[0] ?? "";
  const api = /^\S+ \/api\/v1([/?# ]|$)/.test(requestLine);
  const body = api ? JSON.stringify(errorBody(status === 408 ? "request_timeout" : "bad_request", message)) : `${status} ${http.STATUS_CODES[status]}: ${message}\n`;
  const type = api ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\nx-content-type-options: nosniff\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

async function main(): Promise<void> {
  const { PORT: port, HOST: hostname } = readEnv();
  const server = await startAppServer({ dev: process.argv.includes("--dev"), hostname, port });
  console.log(`[ib] serving http://${hostname}:${port}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await closePool();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
