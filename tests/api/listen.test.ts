/**
 * A fresh install: until its first admin exists the server answers this
 * machine only (whatever HOST it listens on), and the one-time setup link
 * creates that admin once. A database of its own, with no users at all.
 */
import os from "node:os";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { applyMigrations } from "../../lib/db/migrate";
import { urlOfDatabase } from "../../lib/db/server";
import { spawnAppServer } from "./global-setup";

/** An address of this machine that is not loopback: how another machine reaches it. */
function externalAddress(): string {
  const found = Object.values(os.networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === "IPv4" && !entry.internal);
  if (!found) throw new Error("this test needs a network interface besides loopback (none found)");
  return found.address;
}

let admin: pg.Client;
let database: string;
let server: Awaited<ReturnType<typeof spawnAppServer>>;
/**
 * A client, not a pool: `Pool.end()` resolves before its sockets close, so the
 * forced DROP below could reach a backend still serving one and fail it.
 */
let fresh: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: inject("databaseUrl") });
  await admin.connect();
  database = `ib_test_fresh_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const url = urlOfDatabase(inject("databaseUrl"), database);
  await applyMigrations(url);
  fresh = new pg.Client({ connectionString: url });
  await fresh.connect();
  server = await spawnAppServer(url, { HOST: "0.0.0.0" });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await fresh?.end();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

describe("before the first admin exists", () => {
  it("answers another machine 403 and this one as usual; once an admin exists, the network too", async () => {
    const port = new URL(server.baseUrl).port;
    const remote = `http://${externalAddress()}:${port}`;
    for (const path of ["/", "/sign-in", "/api/v1/health"]) {
      const refused = await fetch(`${remote}${path}`, { redirect: "manual" });
      expect(refused.status, path).toBe(403);
      expect(await refused.text(), path).toMatch(/no admin yet/);
      const local = await fetch(`${server.baseUrl}${path}`, { redirect: "manual" });
      expect(local.status, path).toBeLessThan(400);
    }
    await fresh.query("INSERT INTO users (id, name, email, is_admin) VALUES ('first', 'First', 'first@test.example', true)");
    // A "no" is remembered for a second at most.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const answered = await fetch(`${remote}/sign-in`, { redirect: "manual" });
    expect(answered.status).toBe(200);
  });
});
