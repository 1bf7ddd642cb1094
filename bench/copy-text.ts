/** PostgreSQL COPY text format: tab-separated columns, \N for NULL, backslash escapes. */

export type CopyValue = string | number | boolean | null | undefined;

const SPECIAL = /[\\\t\n\r]/;

export function copyEscape(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot COPY the number ${value}`);
    return String(value);
  }
  return copyEscape(value);
}

export function copyLine(values: readonly CopyValue[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) line += (i === 0 ? "" : "\t") + copyField(values[i]);
  return line + "\n";
}

/** A text[] literal ({"a","b"}), before COPY escaping. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

/** The baselines' COPY statements; rows are written in these column orders. */
export const BASELINE_COPY = {
  cases: "COPY cases (project_id, id, external_id, messages, expected_intent, tags, metadata) FROM STDIN",
  completions: `COPY completions (project_id, id, case_id, run_id, text, analysis, predicted_intent, reply, expected_intent, intent_verdict,
    format_error, unknown_intent, reward, policy_verdict, latency_ms, prompt_tokens, completion_tokens, metadata) FROM STDIN`,
  verdicts: "COPY policy_verdicts (project_id, completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source) FROM STDIN",
} as const;
