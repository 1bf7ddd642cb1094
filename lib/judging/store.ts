/**
 * The writing side of judge jobs: the judge cache, and storing a batch of
 * verdicts in one transaction with whatever the caller adds (a job's
 * progress), so that a batch is stored whole or not at all.
 */
import type pg from "pg";
import { withTransaction } from "../db/pool";
import { counts, primaryJudge } from "./counted";
import type { JudgeIdentity } from "./scope";

export interface CachedVerdict {
  verdict: "pass" | "fail";
  rationale: string;
  agreement: number | null;
}

export interface NewVerdict extends CachedVerdict {
  completionId: number;
  key: string;
  guidelineVersion: number | null;
  /** Put into the judge cache (LLM answers; not the rubric's or the format error's). */
  cache: boolean;
}

/*
 * One statement per batch: the verdicts (`x`: completion id, key, verdict,
 * rationale, agreement, guideline version, whether to cache) are inserted (a
 * verdict for an input already judged is skipped by the unique index), and
 * those inserted become their completions' counted verdicts in the same
 * statement, so nothing travels back and forth. The completions' update fires
 * the aggregate triggers once for the batch; their transition tables hold
 * whole completion rows, so the transaction may use more memory for them than
 * a query does before spilling to disk. It returns the number inserted and,
 * with `returnIds`, the completion ids of `x`.
 */
function storeSql(x: string, returnIds: boolean): string {
  return `
  WITH x AS MATERIALIZED (${x}), inserted AS (
    INSERT INTO policy_verdicts (project_id, completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source, cache_key, agreement)
    SELECT $1, x.id, x.verdict, x.rationale, $3, $4, x.gv, 'judged', x.key, x.agreement FROM x ORDER BY x.id
    ON CONFLICT (project_id, completion_id, cache_key) DO NOTHING
    RETURNING completion_id, verdict, guideline_version
  ), counted AS (
    UPDATE completions c SET policy_verdict = i.verdict, policy_guideline_version = i.guideline_version, updated_at = now()
      FROM inserted i
     WHERE $5 AND c.project_id = $1 AND c.id = i.completion_id
       AND (c.policy_verdict <> i.verdict OR c.policy_guideline_version IS DISTINCT FROM i.guideline_version)
  ), cached AS (
    INSERT INTO judge_cache (project_id, key, verdict, rationale, agreement)
    SELECT DISTINCT ON (x.key) $1, x.key, x.verdict, x.rationale, x.agreement FROM x WHERE x.cache ORDER BY x.key
    ON CONFLICT (project_id, key) DO NOTHING
  )
  SELECT (SELECT count(*) FROM inserted)::int AS inserted, ${returnIds ? "ARRAY(SELECT x.id FROM x)::text[]" : "ARRAY[]::text[]"} AS ids`;
}

/** The verdicts given, as one JSON parameter ($2). */
const STORE_GIVEN_SQL = storeSql(`
    SELECT x."completionId" AS id, x.key, x.verdict, x.rationale, x.agreement, x."guidelineVersion" AS gv, x.cache
      FROM jsonb_to_recordset($2::jsonb) AS x("completionId" bigint, key text, verdict policy_verdict, rationale text, agreement double precision, "guidelineVersion" int, cache boolean)`, false);

/*
 * The judge cache's answers for the completions given ($2 ids, $6 keys, $7
 * guideline versions): read, stored and counted in the one statement, so a
 * cached verdict's rationale never travels to the job and back. One index
 * probe per key: a plain join with the keys was planned as a scan of the
 * project's whole cache (PostgreSQL 18: 28 and 64 ms a page of 2,000 keys
 * at 100,000 entries; probed: 8 ms). The LIMIT keeps the lateral subquery from
 * being flattened into that join; the key is unique.
 */
const STORE_CACHED_SQL = storeSql(`
    SELECT k.id, k.key, j.verdict, j.rationale, j.agreement, k.gv, false AS cache
      FROM unnest($2::bigint[], $6::text[], $7::int[]) AS k(id, key, gv)
     CROSS JOIN LATERAL (SELECT j.verdict, j.rationale, j.agreement FROM judge_cache j WHERE j.project_id = $1 AND j.key = k.key LIMIT 1) j`, true);

export interface Stored<T> {
  /** What `onStored` returned. */
  result: T;
  /** The completions whose verdicts were stored or found already stored. */
  ids: Set<number>;
}

/** Runs one store statement and `onStored` in one transaction. */
async function store<T>(
  db: pg.Pool,
  projectId: number,
  judge: JudgeIdentity,
  statement: { sql: string; params: unknown[] } | null,
  onStored: (client: pg.PoolClient, inserted: number, ids: number[]) => Promise<T>,
): Promise<Stored<T>> {
  return withTransaction(async (client) => {
    await client.query("SET LOCAL work_mem = '64MB'");
    const primary = await primaryJudge(client, projectId);
    let inserted = 0;
    let ids: number[] = [];
    if (statement) {
      const { rows } = await client.query<{ inserted: number; ids: string[] }>(statement.sql, [projectId, statement.params[0], judge.name, judge.version, counts(primary, judge.name), ...statement.params.slice(1)]);
      inserted = rows[0]!.inserted;
      ids = rows[0]!.ids.map(Number);
    }
    return { result: await onStored(client, inserted, ids), ids: new Set(ids) };
  }, db);
}

/**
 * Stores the judge cache's answers for these completions (each with its input's
 * key and guideline version) in one transaction, as storeVerdicts does, with
 * `onStored`; `ids`: the completions the cache had an answer for (the others
 * need the judge).
 */
export async function storeCachedVerdicts<T>(
  db: pg.Pool,
  projectId: number,
  judge: JudgeIdentity,
  targets: readonly { completionId: number; key: string; guidelineVersion: number }[],
  onStored: (client: pg.PoolClient, inserted: number, ids: number[]) => Promise<T>,
): Promise<Stored<T>> {
  const statement = targets.length === 0 ? null : { sql: STORE_CACHED_SQL, params: [targets.map((t) => t.completionId), targets.map((t) => t.key), targets.map((t) => t.guidelineVersion)] };
  return store(db, projectId, judge, statement, onStored);
}

/**
 * Stores verdicts in one transaction: each becomes the completion's counted
 * verdict unless the project's primary judge is another (./counted.ts), the
 * cache learns the LLM's answers, and `onStored` runs in the same transaction
 * with the number actually inserted (a verdict for an input already judged is
 * skipped by the unique index, so a job run twice stores nothing twice).
 */
export async function storeVerdicts<T>(
  db: pg.Pool,
  projectId: number,
  judge: JudgeIdentity,
  verdicts: readonly NewVerdict[],
  onStored: (client: pg.PoolClient, inserted: number) => Promise<T>,
): Promise<T> {
  // The records' fields are NewVerdict's own, so the batch is sent as it is.
  const statement = verdicts.length === 0 ? null : { sql: STORE_GIVEN_SQL, params: [JSON.stringify(verdicts)] };
  return (await store(db, projectId, judge, statement, onStored)).result;
}
