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
