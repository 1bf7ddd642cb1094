import pg from "pg";
import { readEnv } from "../config";

// BIGINT counts and ids come back as strings by default; ours fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const globalForPool = globalThis as unknown as { ibPool?: pg.Pool };

/** The URL the process was given: DATABASE_URL, set by `npm start` for the embedded server too. */
export function databaseUrl(): string {
  const url = readEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides it");
  return url;
}

/** A pg pool for the set-based SQL that Prisma does not express (aggregates, bulk merges, COPY). */
export function pool(): pg.Pool {
  if (!globalForPool.ibPool) {
    const created = new pg.Pool({ connectionString: databaseUrl(), max: 10, connectionTimeoutMillis: 5000 });
    created.on("error", () => undefined); // an idle client lost in a server restart is replaced on next use
    globalForPool.ibPool = created;
  }
  return globalForPool.ibPool;
}

/** One round trip to the database; throws when it cannot be reached. */
export async function pingDatabase(): Promise<void> {
  await pool().query("SELECT 1");
}

export async function closePool(): Promise<void> {
  await globalForPool.ibPool?.end();
  globalForPool.ibPool = undefined;
}

/** Runs `work` in one transaction on a client of `db` (the app's pool by default): committed when it returns, rolled back when it throws. */
export async function withTransaction<T>(work: (client: pg.PoolClient) => Promise<T>, db: pg.Pool = pool()): Promise<T> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
