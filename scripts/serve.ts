/**
 * The app's HTTP server: Next.js inside a plain Node `http` server (Next's
 * "custom server"), which answers the RL feedback endpoints itself
 * (lib/api/direct.ts) and hands every other request to Next.
 *
 * `npm start` runs it after preparing the database (scripts/start.ts). Alone,
 * for tests and benchmarks, on a built app and a migrated database:
 *   DATABASE_URL=... PORT=3000 HOSTNAME=127.0.0.1 node --import tsx scripts/serve.ts [--dev]
 */
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { directHandler, serveDirect } from "../lib/api/direct";
import { closePool } from "../lib/db/pool";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface AppServer {
  close(): Promise<void>;
}

export async function startAppServer(options: { dev: boolean; hostname: string; port: number }): Promise<AppServer> {
  const env = process.env as Record<string, string | undefined>;
  env.NODE_ENV ??= options.dev ? "development" : "production";
  const server = http.createServer();
  const app = next({ dev: options.dev, dir: ROOT, hostname: options.hostname, port: options.port, httpServer: server });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
    const direct = directHandler(request);
    if (direct) void serveDirect(direct, request, response);
    else
      handleNext(request, response).catch((error: unknown) => {
        console.error("[ib] unhandled error in the Next.js handler", error);
        if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        response.end("internal error");
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  return {
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5000).unref();
      await closed;
      clearTimeout(force);
      await app.close();
    },
  };
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.HOSTNAME ?? "0.0.0.0";
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
