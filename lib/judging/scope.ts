/**
 * The reading side of judge jobs: the completions in a job's scope (a run and
 * any completion filter) with what judging one needs (reply, conversation,
 * the predicted intent's current guideline), which of them lack a verdict for
 * a judge configuration, and how many do.
 *
 * A judged verdict carries a cache key over everything the judge sees: the
 * judge's name and configuration version, the predicted intent, its guideline
 * version, the conversation and the reply (`judgeInputKey`). A completion
 * lacks a verdict when no verdict of its own has the key its input has now;
 * a new guideline version or a changed reply changes the key. The unique index
 * on (project, completion, cache key) makes a second verdict for the same
 * input impossible, whoever writes it (./store.ts).
 *
 * Only verdicts stored by a judge job carry a key, always under the judge's
 * own name (`judge_name`), and the key starts with that name: so a completion
 * without any keyed verdict of the judge lacks one whatever its input, and
 * only the others need their key compared. Pages are read set-based: the
 * completions, then their cases' conversations (once per case), the keys the
 * judge already gave the page's completions, and the project's current
 * guidelines, a few dozen rows.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { completionWhere, parameters, resolveCompletionFilter, type ResolvedCompletionFilter } from "../query/completions";
import type { CompletionFilter } from "../validations/filters";
import type { RubricItem } from "../validations/taxonomy";

export interface JudgeTarget {
  id: number;
  caseExternalId: string;
  run: string;
  /** null: the completion has a format error. */
  reply: string | null;
  predictedIntent: string | null;
  messages: { role: string; content: string }[];
  /** null when the predicted intent is not in the taxonomy. */
  guideline: Guideline | null;
}

export interface Guideline {
  version: number;
  policy: string;
  rubric: RubricItem[];
  label: string;
}

export interface JudgeIdentity {
  name: string;
  version: string;
}

/** What the cache and the uniqueness of verdicts are keyed by: sha256 of the JSON of these values. */
export function judgeInputKey(judge: JudgeIdentity, target: JudgeTarget): string {
  return inputKey(judgePrefix(judge), target, JSON.stringify(target.messages));
}

/** `"name","version"`: the start of every key's JSON array. */
function judgePrefix(judge: JudgeIdentity): string {
  return `${JSON.stringify(judge.name)},${JSON.stringify(judge.version)}`;
}

/**
 * The key from its parts, the conversation already as JSON (a case's three
 * completions share it). The text is exactly JSON.stringify of the array
 * [name, version, ...input] (JSON.stringify of an array joins its elements'
 * JSON with commas), so keys stay those already stored.
 */
function inputKey(prefix: string, t: Pick<JudgeTarget, "reply" | "predictedIntent" | "guideline">, messagesJson: string): string {
  const text =
    t.reply === null ? `[${prefix},"format_error"]`
    : t.guideline === null ? `[${prefix},"unknown_intent",${JSON.stringify(t.predictedIntent)}]`
    : `[${prefix},${JSON.stringify(t.predictedIntent)},${t.guideline.version},${messagesJson},${JSON.stringify(t.reply)}]`;
  return createHash("sha256").update(text).digest("hex");
}

export type LackingTarget = JudgeTarget & { key: string };

interface CompletionRow {
  id: number;
  case_id: number;
  run_id: number;
  reply: string | null;
  format_error: boolean;
  predicted_intent: string | null;
  unknown_intent: boolean;
}

/** A pool, or one client (a snapshot's transaction): on a client the reads of a page go one after another. */
type Db = pg.Pool | pg.ClientBase;

async function currentGuidelines(db: Db, projectId: number): Promise<Map<string, Guideline>> {
  const { rows } = await db.query<{ id: string; label: string; version: number; policy: string; rubric: RubricItem[] }>(
    `SELECT i.id, i.label, g.version, g.policy, g.rubric FROM intents i
       JOIN policy_guidelines g ON g.project_id = i.project_id AND g.intent_id = i.id AND g.version = i.current_version
      WHERE i.project_id = $1`,
    [projectId],
  );
  return new Map(rows.map((row) => [row.id, { version: row.version, policy: row.policy, rubric: row.rubric ?? [], label: row.label }]));
}

async function runNames(db: Db, projectId: number): Promise<Map<number, string>> {
  const { rows } = await db.query<{ id: number; name: string }>("SELECT id, name FROM runs WHERE project_id = $1", [projectId]);
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** One page's cases: external id and the conversation, parsed and as key JSON. */
async function casesOf(db: Db, projectId: number, ids: number[]): Promise<Map<number, { externalId: string; messages: JudgeTarget["messages"]; json: string }>> {
  // The page's range of case ids beside the list: a page's cases are mostly consecutive, and with the range the
  // planner reads them by the primary key (0.5 ms for 2,000 of 100,000 or 333,334 cases on PostgreSQL 18), where
  // `id = ANY($2)` alone was planned on PostgreSQL 15 as a scan of every case of the project (41 ms).
  let low = ids[0]!;
  let high = low;
  for (const id of ids) {
    if (id < low) low = id;
    if (id > high) high = id;
  }
  const { rows } = await db.query<{ id: number; external_id: string; messages: JudgeTarget["messages"] }>(
    "SELECT id, external_id, messages FROM cases WHERE project_id = $1 AND id = ANY($2::bigint[]) AND id BETWEEN $3 AND $4",
    [projectId, ids, low, high],
  );
  return new Map(rows.map((row) => [Number(row.id), { externalId: row.external_id, messages: row.messages, json: JSON.stringify(row.messages) }]));
}

/**
 * The keys the judge gave to a page's completions (their ids in order):
 * completion id -> keys. The range is read from the index once; the list
 * keeps out the other runs' completions in it, whose keys the page does not
 * need (0.4 against 1.6 ms for a page of 2,000 of one run when the judge had
 * judged the other, PostgreSQL 18).
 */
async function keysOfPage(db: Db, projectId: number, judge: string, ids: number[]): Promise<Map<number, string[]>> {
  const { rows } = await db.query<{ completion_id: number; cache_key: string }>(
    `SELECT completion_id, cache_key FROM policy_verdicts
      WHERE project_id = $1 AND judge_name = $2 AND completion_id BETWEEN $3 AND $4 AND completion_id = ANY($5::bigint[]) AND cache_key IS NOT NULL`,
    [projectId, judge, ids[0], ids.at(-1), ids],
  );
  const keys = new Map<number, string[]>();
  for (const row of rows) {
    const id = Number(row.completion_id);
    const list = keys.get(id);
    if (list) list.push(row.cache_key);
    else keys.set(id, [row.cache_key]);
  }
  return keys;
}

/*
 * Completions read per page. For the LLM judge a page is also what one
 * statement stores from the judge cache (./store.ts), so a fully cached
 * re-judge stores a page per transaction: 4,000 cost less per verdict than
 * 2,000 (PostgreSQL 62 to 67 µs against 66 to 70, alternating on copies of one
 * database; the README's judge section has the figures), and 8,000 was once
 * far slower.
 */
const PAGE_SIZE = 4000;

interface WalkOptions {
  pageSize?: number;
  /** Only these completions, in id order (what counting needs to look at). */
  ids?: number[];
}

async function* walk(db: Db, projectId: number, resolved: ResolvedCompletionFilter, judge: JudgeIdentity, options: WalkOptions): AsyncGenerator<LackingTarget[]> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const prefix = judgePrefix(judge);
  const runs = await runNames(db, projectId);
  let after = 0;
  for (let offset = 0; ; offset += pageSize) {
    const { values, bind } = parameters();
    const where = options.ids
      ? `c.project_id = ${bind(projectId)} AND c.id = ANY(${bind(options.ids.slice(offset, offset + pageSize))}::bigint[])`
      : `${completionWhere(projectId, resolved, bind, "set")} AND c.id > ${bind(after)}`;
    const { rows } = await db.query<CompletionRow>(
      `SELECT c.id, c.case_id, c.run_id, c.reply, c.intent_verdict = 'format_error' AS format_error, c.predicted_intent, c.unknown_intent
         FROM completions c WHERE ${where} ORDER BY c.id LIMIT ${bind(pageSize)}`,
      values,
    );
    const last = options.ids ? offset + pageSize >= options.ids.length : rows.length < pageSize;
    if (rows.length === 0) {
      if (last) return;
      continue;
    }
    const ids = rows.map((row) => Number(row.id));
    after = ids.at(-1)!;
    const caseIds = [...new Set(rows.map((row) => Number(row.case_id)))];
    const [cases, given, guidelines] =
      db instanceof pg.Pool
        ? await Promise.all([casesOf(db, projectId, caseIds), keysOfPage(db, projectId, judge.name, ids), currentGuidelines(db, projectId)])
        : [await casesOf(db, projectId, caseIds), await keysOfPage(db, projectId, judge.name, ids), await currentGuidelines(db, projectId)];
    const lacking: LackingTarget[] = [];
    for (const row of rows) {
      const c = cases.get(Number(row.case_id))!;
      const target: JudgeTarget = {
        id: Number(row.id),
        caseExternalId: c.externalId,
        run: runs.get(row.run_id) ?? "",
        reply: row.format_error ? null : row.reply,
        predictedIntent: row.predicted_intent,
        messages: c.messages,
        guideline: row.unknown_intent || row.predicted_intent === null ? null : (guidelines.get(row.predicted_intent) ?? null),
      };
      const key = inputKey(prefix, target, c.json);
      if (!given.get(target.id)?.includes(key)) lacking.push(Object.assign(target, { key }));
    }
    if (lacking.length > 0) yield lacking;
    if (last) return;
  }
}

/**
 * Walks the scope in id order, a page at a time, yielding the completions
 * that lack a verdict with their current input's key.
 */
export async function* lackingVerdicts(db: pg.Pool, projectId: number, filter: CompletionFilter, judge: JudgeIdentity, pageSize?: number): AsyncGenerator<LackingTarget[]> {
  const resolved = await resolveScope(db, projectId, filter);
  if (resolved) yield* walk(db, projectId, resolved, judge, { pageSize });
}

/**
 * The scope's filter resolved for a job that reads it for minutes or hours:
 * a text search always reads the completions the indexer has not caught up
 * with too, since whether the index was complete holds only for the moment
 * it was asked.
 */
async function resolveScope(db: Db, projectId: number, filter: CompletionFilter): Promise<ResolvedCompletionFilter | null> {
  const resolved = await resolveCompletionFilter(db, projectId, filter);
  if (resolved?.q) resolved.q = { ...resolved.q, indexComplete: false };
  return resolved;
}

/**
 * How many completions in scope lack a verdict. A key can only match a
 * verdict of the judge's current version on the completion's current
 * guideline version (both are in the key): the completions without such a
 * verdict are counted in SQL, and only those with one are read to compare
 * their keys. On one client, in that client's snapshot.
 */
export async function countLacking(db: Db, projectId: number, filter: CompletionFilter, judge: JudgeIdentity): Promise<number> {
  const resolved = await resolveScope(db, projectId, filter);
  if (!resolved) return 0;
  const { values, bind } = parameters();
  const where = completionWhere(projectId, resolved, bind, "set");
  const { rows } = await db.query<{ n: number; ids: string | null }>(
    `SELECT count(*)::bigint AS n, string_agg(c.id::text, ',' ORDER BY c.id) FILTER (WHERE j.completion_id IS NOT NULL) AS ids
       FROM completions c
       LEFT JOIN intents i ON i.project_id = c.project_id AND i.id = c.predicted_intent AND NOT c.unknown_intent
       LEFT JOIN policy_guidelines g ON g.project_id = i.project_id AND g.intent_id = i.id AND g.version = i.current_version
       LEFT JOIN (SELECT DISTINCT v.completion_id, v.guideline_version FROM policy_verdicts v
                   WHERE v.project_id = ${bind(projectId)} AND v.judge_name = ${bind(judge.name)} AND v.judge_version = ${bind(judge.version)} AND v.cache_key IS NOT NULL) j
         ON j.completion_id = c.id AND j.guideline_version IS NOT DISTINCT FROM (CASE WHEN c.intent_verdict = 'format_error' THEN NULL ELSE g.version END)
      WHERE ${where}`,
    values,
  );
  const ids = rows[0]!.ids === null ? [] : rows[0]!.ids.split(",").map(Number);
  let total = Number(rows[0]!.n) - ids.length;
  for await (const page of walk(db, projectId, resolved, judge, { ids })) total += page.length;
  return total;
}

export interface Snapshot {
  /** countLacking as it would have answered when the snapshot was taken. */
  countLacking(projectId: number, filter: CompletionFilter, judge: JudgeIdentity): Promise<number>;
  /** Ends the snapshot's transaction and gives its connection back. */
  close(): Promise<void>;
}

/**
 * A read-only repeatable-read transaction on a connection of its own, its
 * snapshot taken before this returns: a judge job counts its scope in it
 * beside its first batches, and every completion it judges meanwhile is
 * still counted as lacking, as it was at the start.
 */
export async function snapshotNow(db: pg.Pool): Promise<Snapshot> {
  const client = await db.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    await client.query("SELECT 1"); // the snapshot is taken by the transaction's first statement
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
  return {
    countLacking: (projectId, filter, judge) => countLacking(client, projectId, filter, judge),
    close: async () => {
      try {
        await client.query("COMMIT");
        client.release();
      } catch (error) {
        client.release(error instanceof Error ? error : true);
      }
    },
  };
}
