/**
 * One way to get a migrated database for the app, the CLI and the tests:
 * the server in DATABASE_URL when set, else the embedded PostgreSQL.
 */
import pg from "pg";
import { readEnv } from "../config";
import { startEmbedded } from "./embedded";
import { applyMigrations } from "./migrate";

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The database cannot be used; the message says why and what to do. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

/** The same server's URL naming another database on it. */
export function urlOfDatabase(serverUrl: string, database: string): string {
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

/** Connects once with a short timeout and turns driver errors into a plain sentence. */
export async function checkReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { code?: string };
    const reason =
      err.code === "ECONNREFUSED" ? "connection refused: is the server running?"
      : err.code === "ENOTFOUND" ? "unknown host"
      : err.code === "28P01" ? "password authentication failed"
      : err.code === "3D000" ? "the database does not exist"
      : err.message || String(err.code);
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${describeServer(url)}: ${reason}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openDatabase(options: { log?: (line: string) => void } = {}): Promise<Database> {
  const env = readEnv();
  const log = options.log ?? (() => undefined);
  let database: Database;
  if (env.DATABASE_URL) {
    await checkReachable(env.DATABASE_URL);
    database = { url: env.DATABASE_URL, embedded: false, stop: async () => undefined };
  } else {
    const server = await startEmbedded({ dataDir: env.IB_DATA_DIR, port: env.IB_DB_PORT, log }).catch((error: Error) => {
      throw new DatabaseUnavailableError(`cannot start the embedded PostgreSQL: ${error.message}`);
    });
    database = { url: server.url, embedded: true, stop: server.stop };
  }
  try {
    const applied = await applyMigrations(database.url);
    if (applied.length > 0) log(`applied migrations: ${applied.join(", ")}`);
  } catch (error) {
    await database.stop();
    throw new DatabaseUnavailableError((error as Error).message);
  }
  return database;
}
