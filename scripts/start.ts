/**
 * `npm start`: the database (embedded PostgreSQL under ./.data, or DATABASE_URL),
 * migrations, demo data on first start, a production build when the sources
 * changed, then the Next.js server. Ctrl-C stops the server, then PostgreSQL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { buildIfNeeded, NEXT_BIN, ROOT } from "./build";
import { ConfigError, readEnv } from "../lib/config";
import { closePool } from "../lib/db/pool";
import { DatabaseUnavailableError, describeServer, openDatabase } from "../lib/db/server";
import { demoLoaded, loadDemo } from "../lib/demo/load";

const dev = process.argv.includes("--dev");
const log = (line: string) => console.log(`[ib] ${line}`);
function runNext(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, ...args], { cwd: ROOT, env, stdio: "inherit" });
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

  if (!dev) {
    const code = await buildIfNeeded(log, childEnv);
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
