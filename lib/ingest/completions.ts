import type pg from "pg";
import { finished } from "node:stream/promises";
import { isDeepStrictEqual } from "node:util";
import { from as copyFrom } from "pg-copy-streams";
import type { ProjectContext } from "../projects";
import { gradeColumns } from "./regrade";
import type { PlannedCompletion } from "./store";

/*
 * New rows go in with COPY (text format) rather than INSERT ... SELECT FROM
 * jsonb_to_recordset: no JSON to parse on the server, no RETURNING, and the
 * multi-row insert path. Their ids are drawn from the tables' own sequences
 * beforehand, so nothing needs to be read back. COPY fires the same
 * statement-level triggers (with transition tables) as INSERT, so the
 * aggregates stay exact, and it runs inside the batch's transaction.
 */

const COPY_SPECIAL = /[\\\t\n\r]/;

interface MaybeWellFormed {
  isWellFormed?: () => boolean;
}

/** A text value in COPY's text format: \N for NULL, backslash escapes for \\, tab, newline, carriage return. */
export function copyText(value: string | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  // JSON parameters rejected lone surrogates; raw UTF-8 would silently turn them into U+FFFD.
  if ((value as MaybeWellFormed).isWellFormed?.() === false) throw new Error("text is not well-formed Unicode (lone surrogate)");
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

export function copyNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  if (!Number.isFinite(value)) throw new Error(`cannot store the number ${value}`);
  return String(value);
}

/** A text[] value ({"a","b"}) in COPY's text format. */
export function copyTextArray(values: readonly string[] | null | undefined): string {
  if (values === null || values === undefined) return "\\N";
  return copyText(`{${values.map((value) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`);
}

/** A jsonb value in COPY's text format. */
export function copyJson(value: unknown): string {
  return copyText(JSON.stringify(value));
}

/** Runs `COPY ... FROM STDIN` with the given lines, on the caller's connection and transaction. */
export async function copyRows(db: pg.ClientBase, sql: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const stream = db.query(copyFrom(sql));
  // Encoded straight into 256 KiB chunks: no joined string of the whole batch to build and copy again.
  let chunk = Buffer.allocUnsafe(COPY_CHUNK);
  let used = 0;
  for (const line of lines) {
    if (used + line.length * 3 > COPY_CHUNK) {
      if (used > 0) stream.write(chunk.subarray(0, used));
      if (line.length * 3 > COPY_CHUNK) {
        stream.write(Buffer.from(line, "utf8"));
        chunk = Buffer.allocUnsafe(COPY_CHUNK);
        used = 0;
        continue;
      }
      chunk = Buffer.allocUnsafe(COPY_CHUNK);
      used = 0;
    }
    used += chunk.write(line, used, "utf8");
  }
  stream.end(used > 0 ? chunk.subarray(0, used) : undefined);
  await finished(stream);
}

const COPY_CHUNK = 256 * 1024;

/** Draws `count` ids from a table's serial `id` sequence (unique, not necessarily consecutive). */
export async function reserveIds(db: pg.ClientBase, table: "cases" | "completions", count: number): Promise<number[]> {
  if (count === 0) return [];
  // One text value rather than `count` rows: far less to parse on this side.
  const { rows } = await db.query<{ ids: string }>(
    "SELECT string_agg(nextval(seq)::text, ',') AS ids FROM pg_get_serial_sequence($1, 'id') AS seq, generate_series(1, $2)",
    [table, count],
  );
  return rows[0]!.ids.split(",").map(Number);
}

const COPY_COMPLETIONS = `COPY completions (project_id, id, case_id, run_id, text, expected_intent, analysis, predicted_intent, reply, intent_verdict,
  format_error, unknown_intent, reward, policy_verdict, latency_ms, prompt_tokens, completion_tokens, metadata) FROM STDIN`;

const COPY_VERDICTS = "COPY policy_verdicts (project_id, completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source) FROM STDIN";

interface ExistingCompletion {
  id: number;
  case_id: number;
  run_id: number;
  text: string;
  latency_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  metadata: unknown;
  verdict: string | null;
  rationale: string | null;
  judge_name: string | null;
  judge_version: string | null;
  source: string | null;
}

/** A planned completion with the ids of its case and run. */
interface Located {
  c: PlannedCompletion;
  caseId: number;
  runId: number;
}

function sameVerdict(existing: ExistingCompletion, policy: NonNullable<PlannedCompletion["policy"]>): boolean {
  return existing.verdict === policy.verdict && existing.rationale === policy.rationale && existing.judge_name === policy.judge && existing.judge_version === policy.judgeVersion && existing.source === policy.source;
}

function row({ c, caseId, runId }: Located) {
  return {
    case_id: caseId,
    run_id: runId,
    text: c.text,
    expected_intent: c.expectedIntent,
    ...gradeColumns(c.grade),
    policy_verdict: c.policy?.verdict ?? "pending",
    latency_ms: c.latencyMs,
    prompt_tokens: c.promptTokens,
    completion_tokens: c.completionTokens,
    metadata: c.metadata,
  };
}

const recordColumns = (extra = "") => `x(id bigint, case_id bigint, run_id int, text text, expected_intent text, analysis text, predicted_intent text,
  reply text, intent_verdict intent_verdict, format_error text, unknown_intent boolean, reward double precision,
  policy_verdict policy_verdict, latency_ms int, prompt_tokens int, completion_tokens int, metadata jsonb${extra})`;

/**
 * Inserts new completions, replaces those whose text changed (re-graded, and
 * their old policy verdict no longer applies), and records imported verdicts
 * that differ from the latest one. Returns, per case external id, whether
 * anything changed.
 */
export async function storeCompletions(
  db: pg.ClientBase,
  project: ProjectContext,
  runs: Map<string, { id: number }>,
  caseIds: Map<string, number>,
  planned: readonly PlannedCompletion[],
  preexistingCases: ReadonlySet<string>,
): Promise<Map<string, boolean>> {
  const changed = new Map<string, boolean>();
  const located: Located[] = planned.map((c) => ({ c, caseId: caseIds.get(c.caseExternalId)!, runId: runs.get(c.runName)!.id }));
  const lookup = located.filter(({ c }) => preexistingCases.has(c.caseExternalId));
  const existing = new Map<string, ExistingCompletion>();
  if (lookup.length > 0) {
    const { rows } = await db.query<ExistingCompletion>(
      `SELECT c.id, c.case_id, c.run_id, c.text, c.latency_ms, c.prompt_tokens, c.completion_tokens, c.metadata,
              pv.verdict, pv.rationale, pv.judge_name, pv.judge_version, pv.source
         FROM completions c
         JOIN unnest($2::bigint[], $3::int[]) AS k(case_id, run_id) ON c.case_id = k.case_id AND c.run_id = k.run_id
         LEFT JOIN LATERAL (SELECT verdict, rationale, judge_name, judge_version, source FROM policy_verdicts v
                             WHERE v.project_id = c.project_id AND v.completion_id = c.id ORDER BY v.id DESC LIMIT 1) pv ON true
        WHERE c.project_id = $1 ORDER BY c.id FOR UPDATE OF c`,
      [project.id, lookup.map((l) => l.caseId), lookup.map((l) => l.runId)],
    );
    for (const r of rows) existing.set(`${r.case_id}:${r.run_id}`, r);
  }

  const inserts: Located[] = [];
  const replaced: { id: number; l: Located }[] = [];
  const touched: { id: number; l: Located }[] = [];
  const verdicts: { completionId: number; c: PlannedCompletion }[] = [];
  for (const l of located) {
    const { c } = l;
    const old = existing.size === 0 ? undefined : existing.get(`${l.caseId}:${l.runId}`);
    if (!old) {
      inserts.push(l);
      changed.set(c.caseExternalId, true);
      continue;
    }
    if (old.text !== c.text) {
      replaced.push({ id: old.id, l });
      if (c.policy) verdicts.push({ completionId: old.id, c });
    } else {
      const detailsChanged = old.latency_ms !== c.latencyMs || old.prompt_tokens !== c.promptTokens || old.completion_tokens !== c.completionTokens || !isDeepStrictEqual(old.metadata, c.metadata);
      const verdictChanged = c.policy !== null && !sameVerdict(old, c.policy);
      if (detailsChanged || verdictChanged) touched.push({ id: old.id, l });
      if (verdictChanged) verdicts.push({ completionId: old.id, c });
      if (!detailsChanged && !verdictChanged) {
        if (!changed.has(c.caseExternalId)) changed.set(c.caseExternalId, false);
        continue;
      }
    }
    changed.set(c.caseExternalId, true);
  }

  if (inserts.length > 0) {
    const ids = await reserveIds(db, "completions", inserts.length);
    const projectId = copyNumber(project.id);
    const lines = inserts.map(({ c, caseId, runId }, i) => {
      const g = gradeColumns(c.grade);
      return `${projectId}\t${ids[i]}\t${caseId}\t${runId}\t${copyText(c.text)}\t${copyText(c.expectedIntent)}\t${copyText(g.analysis)}\t${copyText(g.predicted_intent)}\t${copyText(g.reply)}\t${copyText(g.intent_verdict)}\t${copyText(g.format_error)}\t${g.unknown_intent ? "t" : "f"}\t${copyNumber(g.reward)}\t${copyText(c.policy?.verdict ?? "pending")}\t${copyNumber(c.latencyMs)}\t${copyNumber(c.promptTokens)}\t${copyNumber(c.completionTokens)}\t${copyJson(c.metadata ?? {})}\n`;
    });
    await copyRows(db, COPY_COMPLETIONS, lines);
    inserts.forEach(({ c }, i) => {
      if (c.policy) verdicts.push({ completionId: ids[i]!, c });
    });
  }
  if (replaced.length > 0 || touched.length > 0) {
    // A replaced text resets the policy verdict (to the imported one, or pending);
    // a touched row keeps its grade and takes only the new details and verdict.
    const all = [...replaced.map(({ id, l }) => ({ id, ...row(l), replace: true })), ...touched.map(({ id, l }) => ({ id, ...row(l), replace: false }))];
    await db.query(
      `UPDATE completions c SET
          text = x.text, expected_intent = x.expected_intent, analysis = x.analysis, predicted_intent = x.predicted_intent,
          reply = x.reply, intent_verdict = x.intent_verdict, format_error = x.format_error, unknown_intent = x.unknown_intent,
          reward = x.reward,
          policy_verdict = CASE WHEN x.replace OR x.policy_verdict <> 'pending' THEN x.policy_verdict ELSE c.policy_verdict END,
          latency_ms = x.latency_ms, prompt_tokens = x.prompt_tokens, completion_tokens = x.completion_tokens,
          metadata = coalesce(x.metadata, '{}'), updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS ${recordColumns(", replace boolean")}
        WHERE c.project_id = $1 AND c.id = x.id`,
      [project.id, JSON.stringify(all)],
    );
  }
  if (verdicts.length > 0) {
    const projectId = copyNumber(project.id);
    const lines = verdicts.map(({ completionId, c }) => {
      const p = c.policy!;
      return `${projectId}\t${completionId}\t${copyText(p.verdict)}\t${copyText(p.rationale)}\t${copyText(p.judge)}\t${copyText(p.judgeVersion)}\t${copyNumber(p.guidelineVersion)}\t${copyText(p.source)}\n`;
    });
    await copyRows(db, COPY_VERDICTS, lines);
  }
  return changed;
}
