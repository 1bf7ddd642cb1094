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

export async function cachedVerdicts(db: pg.Pool, projectId: number, keys: readonly string[]): Promise<Map<string, CachedVerdict>> {
  if (keys.length === 0) return new Map();
  // One index probe per key: `key = ANY($2)`, or a plain join with the keys, was planned as a scan of the
  // project's whole cache (PostgreSQL 18: 28 and 64 ms a page of 2,000 keys at 100,000 entries; probed: 8 ms).
  // The LIMIT keeps the lateral subquery from being flattened into that join; the key is unique.
  const { rows } = await db.query<CachedVerdict & { key: string }>(
    `SELECT j.key, j.verdict, j.rationale, j.agreement FROM unnest($2::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT j.key, j.verdict, j.rationale, j.agreement FROM judge_cache j WHERE j.project_id = $1 AND j.key = k.key LIMIT 1) j`,
    [projectId, [...new Set(keys)]],
  );
  return new Map(rows.map(({ key, ...verdict }) => [key, verdict]));
}

export interface NewVerdict extends CachedVerdict {
  completionId: number;
  key: string;
  guidelineVersion: number | null;
  /** Put into the judge cache (LLM answers; not the rubric's or the format error's). */
  cache: boolean;
}

/*
 * One statement per batch: the verdicts arrive as one JSON parameter, are
 * inserted (a verdict for an input already judged is skipped by the unique
 * index), and those inserted become their completions' counted verdicts in
 * the same statement, so nothing travels back and forth. The completions'
 * update fires the aggregate triggers once for the batch; their transition
 * tables hold whole completion rows, so the transaction may use more memory
 * for them than a query does before spilling to disk.
 */
const STORE_SQL = `
  WITH x AS (
    SELECT x."completionId" AS id, x.key, x.verdict, x.rationale, x.agreement, x."guidelineVersion" AS gv, x.cache
      FROM jsonb_to_recordset($2::jsonb) AS x("completionId" bigint, key text, verdict policy_verdict, rationale text, agreement double precision, "guidelineVersion" int, cache boolean)
  ), inserted AS (
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
  SELECT count(*)::int AS inserted FROM inserted`;

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
  return withTransaction(async (client) => {
    await client.query("SET LOCAL work_mem = '64MB'");
    const primary = await primaryJudge(client, projectId);
    let inserted = 0;
    if (verdicts.length > 0) {
      // The records' fields are NewVerdict's own, so the batch is sent as it is.
      const { rows } = await client.query<{ inserted: number }>(STORE_SQL, [projectId, JSON.stringify(verdicts), judge.name, judge.version, counts(primary, judge.name)]);
      inserted = rows[0]!.inserted;
    }
    return onStored(client, inserted);
  }, db);
}
