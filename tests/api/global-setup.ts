/**
 * API tests go through the real HTTP stack: the production server that
 * `npm start` runs (scripts/serve.ts: Next.js in a Node http server, built if
 * sources changed) on a free port, against a test database.
 */
import { spawn } from "node:child_process";
import { anyFreePort } from "../../lib/net/ports";
import type { TestProject } from "vitest/node";
import { buildIfNeeded, ROOT } from "../../scripts/build";
import { createTestDatabase } from "../support/database";
import { acquireLock } from "../support/lock";
import { TEST_PORTS } from "../support/ports";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseLabel: string;
    baseUrl: string;
  }
}

export async function spawnAppServer(databaseUrl: string, env: Record<string, string> = {}) {
  const port = await anyFreePort();
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app server exited:\n${output}`);
    const up = await fetch(`${baseUrl}/api/v1/health`).then(() => true, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the app server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    /** The server process (for its memory use in the overload test). */
    pid: child.pid!,
    output: () => output,
    stop: () => end("SIGTERM"),
    /** Kills the server at once (SIGKILL), as a crash or a pulled plug would: nothing of it runs after. */
    kill: () => end("SIGKILL"),
  };
}

export default async function setup(project: TestProject) {
  const release = await acquireLock(".data/app-server.lock");
  const database = await createTestDatabase({ dataDir: ".data/test", port: TEST_PORTS.IB_TEST_DB_PORT });
  const code = await buildIfNeeded(console.log);
  if (code !== 0) throw new Error("next build failed");
  // A fixed instance key: DATABASE_URL is set, so judges could not store their API keys otherwise.
  const server = await spawnAppServer(database.url, { IB_SECRET_KEY: "42".repeat(32) });
  project.provide("databaseUrl", database.url);
  project.provide("databaseLabel", database.label);
  project.provide("baseUrl", server.baseUrl);
  console.log(`API tests on ${server.baseUrl}, ${database.label}`);
  return async () => {
    await server.stop();
    await database.teardown();
    release();
  };
}
