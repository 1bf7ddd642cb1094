/**
 * COPY (text format) for the ingest tables: value encoders, the statements and
 * one row encoder per table, used by the store and by the benchmarks' COPY
 * baselines, so both write the very same rows.
 */
import type pg from "pg";
import { finished } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import type { IngestRecord } from "../validations/record";
import { gradeColumns } from "./regrade";
import { counts } from "../judging/counted";
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

export const COPY_CASES = "COPY cases (project_id, id, external_id, messages, expected_intent, tags, metadata) FROM STDIN";

export const COPY_COMPLETIONS = `COPY completions (project_id, id, case_id, run_id, text, expected_intent, case_tags, analysis, predicted_intent, predicted_intent_truncated,
  reply, intent_verdict, format_error, unknown_intent, reward, policy_verdict, policy_guideline_version, latency_ms, prompt_tokens, completion_tokens, metadata) FROM STDIN`;

export const COPY_VERDICTS = "COPY policy_verdicts (project_id, completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source) FROM STDIN";

/** A line of COPY_CASES. */
export function caseLine(projectId: number, id: number, c: IngestRecord["case"]): string {
  return `${projectId}\t${id}\t${copyText(c.id)}\t${copyJson(c.messages)}\t${copyText(c.expectedIntent)}\t${copyTextArray(c.tags)}\t${copyJson(c.metadata)}\n`;
}

/** The imported verdict when it is the counted one under the project's primary judge (lib/judging/counted.ts), else null. */
export function countedPolicy(c: PlannedCompletion, primary: string | null): PlannedCompletion["policy"] {
  return c.policy && counts(primary, c.policy.judge) ? c.policy : null;
}

/** A line of COPY_COMPLETIONS: the planned completion as graded, its verdict the imported one (when it counts) or pending. */
export function completionLine(projectId: number, id: number, caseId: number, runId: number, c: PlannedCompletion, primary: string | null): string {
  const g = gradeColumns(c.grade);
  const policy = countedPolicy(c, primary);
  return `${projectId}\t${id}\t${caseId}\t${runId}\t${copyText(c.text)}\t${copyText(c.expectedIntent)}\t${copyTextArray(c.caseTags)}\t${copyText(g.analysis)}\t${copyText(g.predicted_intent)}\t${g.predicted_intent_truncated ? "t" : "f"}\t${copyText(g.reply)}\t${copyText(g.intent_verdict)}\t${copyText(g.format_error)}\t${g.unknown_intent ? "t" : "f"}\t${copyNumber(g.reward)}\t${copyText(policy?.verdict ?? "pending")}\t${copyNumber(policy?.guidelineVersion ?? null)}\t${copyNumber(c.latencyMs)}\t${copyNumber(c.promptTokens)}\t${copyNumber(c.completionTokens)}\t${copyJson(c.metadata ?? {})}\n`;
}

/** A line of COPY_VERDICTS. */
export function verdictLine(projectId: number, completionId: number, p: NonNullable<PlannedCompletion["policy"]>): string {
  return `${projectId}\t${completionId}\t${copyText(p.verdict)}\t${copyText(p.rationale)}\t${copyText(p.judge)}\t${copyText(p.judgeVersion)}\t${copyNumber(p.guidelineVersion)}\t${copyText(p.source)}\n`;
}
