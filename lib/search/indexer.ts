/**
 * The search indexer: writes completion_search documents for the completions
 * in completion_search_backlog and removes the entries it has covered, off
 * the ingest path (the server runs it in the background, `ib import` and the
 * demo loader after storing). Until it has, a search reads those completions
 * directly (lib/search/match.ts), so the lag costs speed, never results.
 *
 * One indexer at a time (an advisory lock): each writes documents from a
 * snapshot taken after the entries it removes were committed, so a document
 * is never older than the last entry that covered it. An entry added while a
 * chunk is being written stays, and that completion keeps being read directly
 * until the next pass.
 */
import type pg from "pg";
import { pool } from "../db/pool";
import { SEARCH_DOCUMENT_SQL } from "./match";

// Any fixed number, distinct from the migration lock's.
const INDEXER_LOCK = 7_265_914_234;
/** Completion ids per transaction: large enough to amortise the round trips, small enough to commit often. */
const CHUNK_IDS = 20_000;

export interface IndexerPass {
  /** Documents written (or rewritten). */
  documents: number;
  /** Completion ids still waiting after this pass. */
  pending: number;
  /** False when another indexer held the lock, so this pass did nothing. */
  ran: boolean;
}

interface Entry {
  project_id: number;
  id: string;
  first_id: string;
  last_id: string;
}

/** Indexes one chunk of the oldest backlog entry, in the caller's transaction; null when the backlog is empty. */
async function indexChunk(db: pg.ClientBase): Promise<number | null> {
  const { rows } = await db.query<Entry>("SELECT project_id, id::text, first_id::text, last_id::text FROM completion_search_backlog ORDER BY id LIMIT 1");
  const entry = rows[0];
  if (!entry) return null;
  const upTo = BigInt(entry.first_id) + BigInt(CHUNK_IDS) - 1n;
  const last = upTo < BigInt(entry.last_id) ? upTo : BigInt(entry.last_id);
  const written = await db.query(
    `INSERT INTO completion_search (project_id, completion_id, document)
     SELECT c.project_id, c.id, ${SEARCH_DOCUMENT_SQL}
       FROM completions c JOIN cases k ON k.project_id = c.project_id AND k.id = c.case_id
      WHERE c.project_id = $1 AND c.id BETWEEN $2 AND $3
     ON CONFLICT (project_id, completion_id) DO UPDATE SET document = EXCLUDED.document
      WHERE completion_search.document IS DISTINCT FROM EXCLUDED.document`,
    [entry.project_id, entry.first_id, last.toString()],
  );
  if (last === BigInt(entry.last_id)) await db.query("DELETE FROM completion_search_backlog WHERE project_id = $1 AND id = $2", [entry.project_id, entry.id]);
  else await db.query("UPDATE completion_search_backlog SET first_id = $3 WHERE project_id = $1 AND id = $2", [entry.project_id, entry.id, (last + 1n).toString()]);
  return written.rowCount ?? 0;
}

/** Completion ids the backlog covers (an upper bound on the completions a search reads directly). */
export async function searchBacklogSize(db: pg.ClientBase | pg.Pool, projectId?: number): Promise<number> {
  const { rows } = await db.query<{ n: string | null }>(
    "SELECT sum(last_id - first_id + 1)::text AS n FROM completion_search_backlog WHERE $1::int IS NULL OR project_id = $1",
    [projectId ?? null],
  );
  return Number(rows[0]!.n ?? 0);
}

/**
 * Works through the whole backlog, one chunk per transaction, until it is
 * empty or `shouldStop` says so; then folds the GIN index's pending list into
 * the index, so searches do not scan it.
 */
export async function catchUpSearchIndex(options: { shouldStop?: () => boolean; onChunk?: (documents: number) => void } = {}): Promise<IndexerPass> {
  const client = await pool().connect();
  let documents = 0;
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [INDEXER_LOCK]);
    if (!rows[0]!.locked) return { documents: 0, pending: await searchBacklogSize(client), ran: false };
    try {
      for (;;) {
        if (options.shouldStop?.()) break;
        await client.query("BEGIN");
        let written: number | null;
        try {
          written = await indexChunk(client);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
        if (written === null) break;
        documents += written;
        options.onChunk?.(written);
      }
      // Only the index's owner may do this; autovacuum does it too, later.
      if (documents > 0) await client.query("SELECT gin_clean_pending_list('completion_search_document_idx'::regclass)").catch(() => undefined);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [INDEXER_LOCK]);
    }
    return { documents, pending: await searchBacklogSize(client), ran: true };
  } finally {
    client.release();
  }
}

/**
 * Runs the indexer every `intervalMs` in the background (the app server), until stopped.
 * A failed pass (the database restarting, say) is logged and tried again on the next tick.
 */
export function startSearchIndexer(options: { intervalMs?: number; log?: (line: string) => void } = {}): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 2_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = catchUpSearchIndex({ shouldStop: () => stopped }).then(
      () => undefined,
      (error: unknown) => options.log?.(`[ib] search indexer: ${error instanceof Error ? error.message : String(error)}`),
    ).finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs).unref();
    });
  };
  timer = setTimeout(tick, 0).unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
