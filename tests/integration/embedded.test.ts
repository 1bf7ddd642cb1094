import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbedded } from "../../lib/db/embedded";

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("the embedded PostgreSQL", () => {
  it("keeps its data across restarts, attaches to a running server, and stops cleanly", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "ib-embedded-"));
    const first = await startEmbedded({ dataDir, port: 55480 });
    expect(first.owned).toBe(true);
    // Started with its own settings, not PostgreSQL's defaults (128 MB of buffers, 1 GB of WAL between checkpoints).
    const settings = await query(first.url, "SELECT name, setting::bigint * (CASE unit WHEN '8kB' THEN 8192 WHEN 'MB' THEN 1048576 END) / 1048576 AS mb FROM pg_settings WHERE name IN ('shared_buffers', 'max_wal_size') ORDER BY name");
    const eighth = Math.floor(os.totalmem() / 8 / 1048576);
    expect(settings).toEqual([{ name: "max_wal_size", mb: "4096" }, { name: "shared_buffers", mb: String(Math.min(1024, Math.max(128, eighth))) }]);
    await query(first.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");

    // A second starter (the CLI beside a running app) attaches instead of starting another server.
    const attached = await startEmbedded({ dataDir, port: 55490 });
    expect(attached).toMatchObject({ owned: false, port: first.port });
    expect(await query(attached.url, "SELECT note FROM kept")).toEqual([{ note: "still here" }]);

    await first.stop();
    await expect(query(first.url, "SELECT 1")).rejects.toThrow();
    const cluster = await fs.realpath(path.join(dataDir, "postgres"));
    await expect(fs.access(path.join(cluster, "postmaster.pid"))).rejects.toThrow(); // clean shutdown removes it

    const second = await startEmbedded({ dataDir, port: 55480 });
    expect(await query(second.url, "SELECT note FROM kept")).toEqual([{ note: "still here" }]);
    await second.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });
});
