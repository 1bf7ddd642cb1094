/**
 * `npm start`: the database (embedded PostgreSQL under ./.data, or DATABASE_URL),
 * migrations, demo data on first start, a production build when the sources
 * changed, then the Next.js server. Ctrl-C stops the server, then PostgreSQL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { ConfigError, readEnv } from "../lib/config";
import { closePool } from "../lib/db/pool";
import { DatabaseUnavailableError, describeServer, openDatabase } from "../lib/db/server";
import { demoLoaded, loadDemo } from "../lib/demo/load";

const dev = process.argv.includes("--dev");
const log = (line: string) => console.log(`[ib] ${line}`);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function needsBuild(): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "next.config.mjs", "package-lock.json"].map((name) => path.join(root, name));
  return sources.some((source) => existsSync(source) && (statSync(source).isDirectory() ? newestSource(source) : statSync(source).mtimeMs) > built);
}

function runNext(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [nextBin, ...args], { cwd: root, env, stdio: "inherit" });
}

async function main(): Promise<void> {
  const env = readEnv();
  const database = await openDatabase({ log });
  log(database.embedded ? `embedded PostgreSQL ready (data in ${path.resolve(env.IB_DATA_DIR)})` : `using PostgreSQL at ${describeServer(database.url)}`);
  const childEnv = { ...process.env, DATABASE_URL: database.url, PORT: String(env.PORT) };
  process.env.DATABASE_URL = database.url;

  let child: ChildProcess | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child!.once("exit", resolve));
    }
    await closePool();
    await database.stop();
    if (database.embedded) log("PostgreSQL stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  if (env.IB_DEMO_CASES > 0 && !(await demoLoaded())) {
    log(`loading demo data: ${env.IB_DEMO_CASES} simulated cases x 3 runs into project 'demo'`);
    await loadDemo({ cases: env.IB_DEMO_CASES });
  }
  await closePool();

  if (!dev && needsBuild()) {
    log("building the app (first start or changed sources)");
    const build = runNext(["build"], { ...childEnv, NEXT_TELEMETRY_DISABLED: "1" });
    child = build;
    const code = await new Promise<number>((resolve) => build.once("exit", (c) => resolve(c ?? 1)));
    child = null;
    if (code !== 0) return stop(code);
  }
  if (stopping) return;
  child = runNext([dev ? "dev" : "start", "-p", String(env.PORT), "-H", process.env.HOSTNAME ?? "0.0.0.0"], { ...childEnv, NEXT_TELEMETRY_DISABLED: "1" });
  log(`serving http://localhost:${env.PORT}`);
  child.once("exit", (code) => void stop(code ?? 0));
}

main().catch(async (error: unknown) => {
  if (error instanceof DatabaseUnavailableError || error instanceof ConfigError) {
    console.error(`[ib] ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
