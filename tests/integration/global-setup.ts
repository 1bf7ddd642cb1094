/**
 * Integration tests run against real PostgreSQL: the embedded server (default),
 * or the server in DATABASE_URL when IB_TEST_TARGET=external. Either way the
 * run gets a database of its own, created here and dropped afterwards, so no
 * existing data is touched.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbedded, type EmbeddedServer } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseLabel: string;
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export default async function setup(project: TestProject) {
  const target = process.env.IB_TEST_TARGET ?? "embedded";
  let server: EmbeddedServer | null = null;
  let adminUrl: string;
  if (target === "external") {
    if (!process.env.DATABASE_URL) throw new Error("IB_TEST_TARGET=external needs DATABASE_URL");
    adminUrl = process.env.DATABASE_URL;
  } else {
    server = await startEmbedded({ dataDir: path.resolve(".data/test"), port: 55432 });
    adminUrl = server.url;
  }
  const database = `ib_test_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = withDatabase(adminUrl, database);
  await applyMigrations(url);
  const { rows } = await admin.query<{ server_version: string }>("SHOW server_version");
  project.provide("databaseUrl", url);
  project.provide("databaseLabel", `${target} PostgreSQL ${rows[0]!.server_version}`);
  console.log(`integration tests on ${target} PostgreSQL ${rows[0]!.server_version}, database ${database}`);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await server?.stop();
  };
}
