/**
 * Counts a page sends after itself (the table's facets counted from the
 * completions, an exact match count that took longer than the page waits):
 * each holds a connection for up to LATER_TIME_LIMIT_MS, so at most
 * LATER_CONCURRENCY run at once, a burst of slow filters cannot take the pool
 * (10 connections) from every other page, and past LATER_QUEUE_MAX waiting a
 * count is given up at once. The wait counts against the count's own time.
 */
import PQueue from "p-queue";
import type pg from "pg";

/** How long a count sent after the page may take, waiting for its turn included. */
export const LATER_TIME_LIMIT_MS = 30_000;
const LATER_CONCURRENCY = 2;
const LATER_QUEUE_MAX = 8;
/** Below this much time left, a count is not even started. */
export const LATER_MIN_MS = 20;

const queue = new PQueue({ concurrency: LATER_CONCURRENCY });

/** Runs `count` in its turn with the deadline it must keep; null when it was given up (too many waiting, or no time left). */
export async function countLater<T>(count: (deadline: number) => Promise<T>, timeLimitMs = LATER_TIME_LIMIT_MS): Promise<T | null> {
  const deadline = Date.now() + timeLimitMs;
  if (queue.size >= LATER_QUEUE_MAX) return null;
  const result = await queue.add(async () => (Date.now() < deadline - LATER_MIN_MS ? { value: await count(deadline) } : null));
  return result ? result.value : null;
}

/** Sets the transaction's statement_timeout to what is left until `deadline` (at least 1 ms). */
export async function timeoutUntil(client: pg.ClientBase, deadline: number): Promise<void> {
  await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(deadline - Date.now()))}`);
}

/**
 * Runs `work` on one connection of the pool in a read-only transaction with
 * one snapshot (REPEATABLE READ: what it reads first, such as whether the
 * search index is complete, holds for every statement after), its
 * statement_timeout set to what is left until `deadline` (`work` may set it
 * again between statements), and room to hash a million matches in memory.
 * Settings end with the transaction; a statement past its time rolls it back.
 */
export async function withDeadline<T>(pool: pg.Pool, deadline: number, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query("SET LOCAL work_mem = '64MB'");
    await timeoutUntil(client, deadline);
    const result = await work(client);
    await client.query("COMMIT"); // after a statement past its time, a rollback
    client.release();
    return result;
  } catch (error) {
    // A statement past its time leaves the session sound once rolled back; anything else may not.
    const clean = timedOut(error) && (await client.query("ROLLBACK").then(() => true, () => false));
    client.release(!clean);
    throw error;
  }
}

/** Whether PostgreSQL canceled the statement for its statement_timeout. */
export function timedOut(error: unknown): boolean {
  return (error as { code?: string }).code === "57014";
}

/** How a count after the page runs: its time limit, and whether it waits its turn among the pages' (countLater). */
export interface LaterOptions {
  timeLimitMs?: number;
  later?: boolean;
}

/**
 * Runs `work` in one read-only snapshot (withDeadline) within `timeLimitMs`,
 * in its turn with `later`. `work` records what it counts as it goes; past
 * the time (or given up) it simply stops, and what it had not counted stays
 * as it was. Any other error is thrown.
 */
export async function countWithin(pool: pg.Pool, work: (client: pg.PoolClient, deadline: number) => Promise<void>, { timeLimitMs = LATER_TIME_LIMIT_MS, later = false }: LaterOptions = {}): Promise<void> {
  const count = (deadline: number) => withDeadline(pool, deadline, (client) => work(client, deadline));
  try {
    if (later) await countLater(count, timeLimitMs);
    else if (timeLimitMs >= LATER_MIN_MS) await count(Date.now() + timeLimitMs);
  } catch (error) {
    if (!timedOut(error)) throw error;
  }
}
