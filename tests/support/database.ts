/**
 * A database of the test run's own on real PostgreSQL: the embedded server
 * (default) or the server in DATABASE_URL when IB_TEST_TARGET=external.
 * Created and migrated here, dropped by the returned teardown, so existing
 * data is never touched.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { startEmbedded, type EmbeddedServer } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";
import { urlOfDatabase } from "../../lib/db/server";

export interface TestDatabase {
  url: string;
  label: string;
  teardown(): Promise<void>;
}

export async function createTestDatabase(options: { dataDir: string; port: number }): Promise<TestDatabase> {
  const target = process.env.IB_TEST_TARGET ?? "embedded";
  let server: EmbeddedServer | null = null;
  let adminUrl: string;
  if (target === "external") {
    if (!process.env.DATABASE_URL) throw new Error("IB_TEST_TARGET=external needs DATABASE_URL");
    adminUrl = process.env.DATABASE_URL;
  } else {
    server = await startEmbedded({ dataDir: path.resolve(options.dataDir), port: options.port });
    adminUrl = server.url;
  }
  const database = `ib_test_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = urlOfDatabase(adminUrl, database);
  await applyMigrations(url);
  const { rows } = await admin.query<{ server_version: string }>("SHOW server_version");
  const label = `${target} PostgreSQL ${rows[0]!.server_version}, database ${database}`;
  return {
    url,
    label,
    teardown: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      await server?.stop();
    },
  };
}
