import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from "../../lib/db/migrate";
import { checkReachable, DatabaseUnavailableError } from "../../lib/db/server";
import { useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

describe("migrations", () => {
  it("are recorded in Prisma's table with Prisma's checksum, and re-applying does nothing", async () => {
    const { rows } = await db.pool.query("SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name");
    const files = await readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const file of files) {
      const bytes = await fs.readFile(path.join(MIGRATIONS_DIR, file.name, "migration.sql"));
      expect(rows.find((r) => r.migration_name === file.name)!.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
    expect(await applyMigrations(process.env.DATABASE_URL!)).toEqual([]);
  });

  it("refuses a migration edited after it was applied", async () => {
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), "ib-migrations-"));
    await fs.cp(MIGRATIONS_DIR, copy, { recursive: true });
    const [first] = await readMigrations();
    await fs.appendFile(path.join(copy, first!.name, "migration.sql"), "\n-- edited\n");
    await expect(applyMigrations(process.env.DATABASE_URL!, copy)).rejects.toThrow(`migration ${first!.name} was edited after it was applied`);
    await fs.rm(copy, { recursive: true });
  });
});

describe("an unreachable database", () => {
  it("is reported in one plain sentence", async () => {
    const error = await checkReachable("postgresql://nobody:secret@127.0.0.1:1/nothing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toBe("cannot reach PostgreSQL at 127.0.0.1:1/nothing: connection refused: is the server running?");
  });
});
