/**
 * `npm start`: the database (embedded PostgreSQL under ./.data, or DATABASE_URL),
 * migrations, demo data on first start, a production build when the sources
 * changed, then the app's server (scripts/serve.ts: Next.js in a Node http
 * server), in this process. Ctrl-C stops the server, then PostgreSQL.
 * `--dev`: the same server with Next's development mode, no build.
 */
import path from "node:path";
import { buildIfNeeded } from "./build";
import { startAppServer, type AppServer } from "./serve";
import { ConfigError, readEnv } from "../lib/config";
import { closePool } from "../lib/db/pool";
import { DatabaseUnavailableError, describeServer, openDatabase } from "../lib/db/server";
import { demoLoaded, loadDemo } from "../lib/demo/load";
import { embeddedKeyEnv } from "../lib/judging/secrets";
import { prepareFirstAdmin } from "../lib/auth/first-admin";

const dev = process.argv.includes("--dev");
const log = (line: string) => console.log(`[ib] ${line}`);

async function main(): Promise<void> {
  const env = readEnv();
  const database = await openDatabase({ log });
  log(database.embedded ? `embedded PostgreSQL ready (data in ${path.resolve(env.IB_DATA_DIR)})` : `using PostgreSQL at ${describeServer(database.url)}`);
  Object.assign(process.env, database.embedded ? embeddedKeyEnv(env) : {}, { DATABASE_URL: database.url, PORT: String(env.PORT), NEXT_TELEMETRY_DISABLED: "1" });

  let server: AppServer | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await server?.close();
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

  const setupLink = await prepareFirstAdmin(log);

  if (!dev) {
    const code = await buildIfNeeded(log);
    if (code !== 0) return stop(code);
  }
  if (stopping) return;
  try {
    server = await startAppServer({ dev, hostname: env.HOST, port: env.PORT });
  } catch (error) {
    console.error(`[ib] the server did not start: ${(error as Error).message}`);
    return stop(1);
  }
  log(`serving http://${env.HOST === "127.0.0.1" ? "localhost" : env.HOST}:${env.PORT}${env.HOST === "127.0.0.1" ? " (this machine only: set HOST=0.0.0.0 to serve the network)" : ""}`);
  if (setupLink) {
    log("no admin yet: open this one-time link on this machine to create the first admin and sign in:");
    log(`  ${setupLink}`);
  }
}

main().catch(async (error: unknown) => {
  if (error instanceof DatabaseUnavailableError || error instanceof ConfigError) {
    console.error(`[ib] ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
