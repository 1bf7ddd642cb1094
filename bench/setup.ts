/**
 * The benchmark database: a fresh database per run on the embedded PostgreSQL
 * (data under .data/bench), or on the server named by IB_BENCH_DATABASE_URL,
 * migrated like production and dropped at the end. process.env.DATABASE_URL
 * points the app's pool at it.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import path from "node:path";
import pg from "pg";
import { readEnv } from "../lib/config";
import { startEmbedded, type EmbeddedServer } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";
import { closePool } from "../lib/db/pool";
import { urlOfDatabase } from "../lib/db/server";
import { TEST_PORTS } from "../tests/support/ports";

export interface BenchDatabase {
  url: string;
  name: string;
  serverVersion: string;
  /** Where the server comes from: "embedded" or "external". */
  target: string;
  /** The embedded server's cluster directory (for its CPU times), null for an external server. */
  cluster: string | null;
  /** Selected server settings that matter for bulk loads, for the report. */
  settings: Record<string, string>;
  close(): Promise<void>;
}

const OWNER_PREFIX = "interaction-browser bench run, pid ";

/** Databases of earlier runs on this host whose process is gone (killed before it could drop them). */
async function dropAbandoned(admin: pg.Client, log: (line: string) => void): Promise<void> {
  const { rows } = await admin.query<{ datname: string; owner: string }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS owner FROM pg_database WHERE datname LIKE 'ib\\_bench\\_%' AND shobj_description(oid, 'pg_database') LIKE $1`,
    [`${OWNER_PREFIX}%`],
  );
  for (const row of rows) {
    const [pid, host] = row.owner.slice(OWNER_PREFIX.length).split("@");
    if (host !== hostname() || !/^[a-z0-9_]+$/.test(row.datname)) continue;
    try {
      process.kill(Number(pid), 0);
      continue; // still running
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EPERM") continue; // running, as another user
    }
    log(`dropping ${row.datname}, left behind by an interrupted run`);
    await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
  }
}

/**
 * IB_BENCH_DATABASE_URL: a postgres:// URL to run on that server, or any other
 * value (e.g. "1") to run on DATABASE_URL's server. Either way the run creates
 * and drops a database of its own there; nothing else is touched.
 */
function externalServer(): string | null {
  const value = process.env.IB_BENCH_DATABASE_URL;
  if (!value) return null;
  if (/^postgres(ql)?:\/\//.test(value)) return value;
  // DATABASE_URL as the app reads it, validated there.
  const own = readEnv().DATABASE_URL;
  if (!own) throw new Error("IB_BENCH_DATABASE_URL is set but is not a URL, and DATABASE_URL is not set");
  return own;
}

export async function openBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const external = externalServer();
  let server: EmbeddedServer | null = null;
  let adminUrl: string;
  if (external) {
    adminUrl = external;
  } else {
    server = await startEmbedded({ dataDir: path.resolve(".data/bench"), port: TEST_PORTS.IB_BENCH_DB_PORT, log });
    adminUrl = server.url;
  }
  const name = `ib_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    // FORCE first: it ends the benchmark's sessions, so closing the pool never waits for a
    // query still running when the run is interrupted.
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await closePool().catch(() => undefined);
    await admin.end().catch(() => undefined);
    await server?.stop();
  };
  try {
    await dropAbandoned(admin, log);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.query(`COMMENT ON DATABASE ${name} IS '${OWNER_PREFIX}${process.pid}@${hostname()}'`);
    const url = urlOfDatabase(adminUrl, name);
    await applyMigrations(url);
    const { rows } = await admin.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('server_version', 'shared_buffers', 'synchronous_commit', 'max_wal_size', 'wal_level', 'work_mem')`,
    );
    const settings: Record<string, string> = {};
    for (const row of rows) settings[row.name] = formatSetting(row.setting, row.unit);
    process.env.DATABASE_URL = url;
    log(`benchmark database ${name} on ${external ? "external" : "embedded"} PostgreSQL ${settings.server_version}`);
    const cluster = external ? null : path.resolve(".data/bench/postgres");
    return { url, name, serverVersion: settings.server_version ?? "?", target: external ? "external" : "embedded", cluster, settings, close: drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

function formatSetting(setting: string, unit: string | null): string {
  const blocks = unit?.match(/^(\d+)kB$/);
  if (blocks) {
    const kb = Number(setting) * Number(blocks[1]);
    return kb >= 1024 * 1024 ? `${kb / 1024 / 1024}GB` : kb >= 1024 ? `${kb / 1024}MB` : `${kb}kB`;
  }
  if (unit === "MB") return Number(setting) >= 1024 ? `${Number(setting) / 1024}GB` : `${setting}MB`;
  return unit ? `${setting}${unit}` : setting;
}
