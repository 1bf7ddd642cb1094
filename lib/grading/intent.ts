/**
 * Intent grader: parses a model completion of the form
 *
 *   <analysis>…</analysis><intent>cancel_order</intent> Reply to the customer…
 *
 * and grades the predicted intent against the ground truth. Pure and
 * framework-free because ingestion, re-grading, metrics and the RL reward
 * endpoint all share it and must agree byte for byte.
 *
 * Performance: the tags are found by a single left-to-right lexer that only
 * stops at '<' (lib/grading/tags.ts): no regular expressions, so no
 * backtracking, linear time even on 1 MB adversarial inputs.
 *
 * Format-error precedence (first match wins; within a step the leftmost
 * offending tag in the text is reported):
 *   1. malformed_tag        a tag-like token that is not exactly canonical
 *                           (`<Intent>`, `< intent >`, `<intent id="x">`, `<intent/>`)
 *   2. duplicate_tag        a canonical tag appearing more than once (anywhere,
 *                           including nested in the analysis or in the reply);
 *                           reports the tag whose second occurrence comes first
 *   3. missing_analysis     no `<analysis>`
 *      unclosed_tag         `<analysis>` without `</analysis>`
 *      missing_intent       no `<intent>`
 *      unclosed_tag         `<intent>` without `</intent>`
 *   4. out_of_order         the four tags are not in the order
 *                           <analysis> </analysis> <intent> </intent>
 *                           (also covers a single block nested in the other)
 *   5. text_before_analysis non-whitespace before `<analysis>`
 *      text_between_tags    non-whitespace between `</analysis>` and `<intent>`
 *      empty_intent         intent blank after trim
 *      empty_reply          reply blank after trim
 * "Whitespace" is exactly what String.prototype.trim() removes, so the gap
 * checks agree with the trimming of intent and reply.
 */

import { CANONICAL_TAGS, isBlank, scanTags } from "./tags";

export type IntentVerdict = "correct" | "wrong" | "format_error";
export const INTENT_VERDICTS: readonly IntentVerdict[] = Object.freeze(["correct", "wrong", "format_error"] as const);

export type FormatErrorCode =
  | "missing_analysis"
  | "missing_intent"
  | "duplicate_tag"
  | "unclosed_tag"
  | "out_of_order"
  | "malformed_tag"
  | "text_before_analysis"
  | "text_between_tags"
  | "empty_intent"
  | "empty_reply";

export const FORMAT_ERROR_CODES: readonly FormatErrorCode[] = Object.freeze([
  "missing_analysis", "missing_intent", "duplicate_tag", "unclosed_tag", "out_of_order",
  "malformed_tag", "text_before_analysis", "text_between_tags", "empty_intent", "empty_reply",
] as const);

export type ParsedCompletion =
  | { ok: true; analysis: string; predictedIntent: string; reply: string }
  | { ok: false; error: FormatErrorCode; message: string };

export interface RewardConfig {
  correct: number;
  wrong: number;
  formatError: number;
}
export const DEFAULT_REWARDS: RewardConfig = Object.freeze({ correct: 1, wrong: -1, formatError: -1 });

export interface IntentGrade {
  verdict: IntentVerdict;
  /** Trimmed, lower-cased; null on format error. */
  predictedIntent: string | null;
  /** Customer-visible reply (text after `</intent>`, trimmed); null on format error. */
  reply: string | null;
  /** Analysis content, trimmed (may be empty); null on format error. */
  analysis: string | null;
  formatError: FormatErrorCode | null;
  formatErrorMessage: string | null;
  /** The predicted intent is not in the given taxonomy (always false without one). */
  unknownIntent: boolean;
  reward: number;
}

export interface GradeOptions {
  /** Known intent ids, already normalised (trimmed, lower-case), e.g. from the taxonomy schema. */
  taxonomy?: ReadonlySet<string>;
  rewards?: RewardConfig;
}

/** The intent normalisation used for both prediction and ground truth. */
export function normalizeIntent(intent: string): string {
  return intent.trim().toLowerCase();
}

export { CANONICAL_TAGS };

function fail(error: FormatErrorCode, message: string): ParsedCompletion {
  return { ok: false, error, message };
}

function quote(raw: string): string {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return JSON.stringify(shown);
}

function timesWord(count: number): string {
  return count === 2 ? "twice" : `${count} times`;
}

export function parseCompletion(text: string): ParsedCompletion {
  const scan = scanTags(text);
  if (scan.malformed !== null) {
    const { start, end } = scan.malformed;
    return fail(
      "malformed_tag",
      `malformed tag ${quote(text.slice(start, end))} at offset ${start}: tags must be exactly ` +
        "<analysis>, </analysis>, <intent> and </intent> (lower-case, no spaces or attributes)",
    );
  }
  if (scan.firstDuplicate !== null) {
    const kind = scan.firstDuplicate;
    return fail("duplicate_tag", `the ${CANONICAL_TAGS[kind]} tag appears ${timesWord(scan.counts[kind] ?? 0)}`);
  }

  const [ao, ac, io, ic] = scan.first;
  if (!ao) return fail("missing_analysis", "the <analysis> tag is missing");
  if (!ac) return fail("unclosed_tag", "the <analysis> tag is never closed with </analysis>");
  if (!io) return fail("missing_intent", "the <intent> tag is missing");
  if (!ic) return fail("unclosed_tag", "the <intent> tag is never closed with </intent>");

  const inTextOrder = [ao, ac, io, ic].sort((a, b) => a.start - b.start);
  const misplaced = inTextOrder.findIndex((token, index) => token.kind !== index);
  if (misplaced !== -1) {
    const found = CANONICAL_TAGS[inTextOrder[misplaced]?.kind ?? 0];
    return fail(
      "out_of_order",
      `found ${found} where ${CANONICAL_TAGS[misplaced]} was expected; the order must be ` +
        "<analysis>…</analysis><intent>…</intent> reply",
    );
  }

  if (!isBlank(text, 0, ao.start)) return fail("text_before_analysis", "there is text before the <analysis> tag");
  if (!isBlank(text, ac.end, io.start)) {
    return fail("text_between_tags", "there is text between </analysis> and <intent>");
  }
  const predictedIntent = normalizeIntent(text.slice(io.end, ic.start));
  if (predictedIntent === "") return fail("empty_intent", "the <intent> tag is empty");
  const reply = text.slice(ic.end).trim();
  if (reply === "") return fail("empty_reply", "there is no reply to the customer after </intent>");

  return { ok: true, analysis: text.slice(ao.end, ac.start).trim(), predictedIntent, reply };
}

export function rewardFor(verdict: IntentVerdict, rewards: RewardConfig = DEFAULT_REWARDS): number {
  switch (verdict) {
    case "correct":
      return rewards.correct;
    case "wrong":
      return rewards.wrong;
    case "format_error":
      return rewards.formatError;
  }
}

export function gradeIntent(text: string, expectedIntent: string, options: GradeOptions = {}): IntentGrade {
  const rewards = options.rewards ?? DEFAULT_REWARDS;
  const parsed = parseCompletion(text);
  if (!parsed.ok) {
    return {
      verdict: "format_error",
      predictedIntent: null,
      reply: null,
      analysis: null,
      formatError: parsed.error,
      formatErrorMessage: parsed.message,
      unknownIntent: false,
      reward: rewardFor("format_error", rewards),
    };
  }
  // An intent outside the taxonomy is wrong even if it matches the label, so a
  // mislabelled case can never reward an invented intent.
  const unknownIntent = options.taxonomy !== undefined && !options.taxonomy.has(parsed.predictedIntent);
  const verdict: IntentVerdict =
    !unknownIntent && parsed.predictedIntent === normalizeIntent(expectedIntent) ? "correct" : "wrong";
  return {
    verdict,
    predictedIntent: parsed.predictedIntent,
    reply: parsed.reply,
    analysis: parsed.analysis,
    formatError: null,
    formatErrorMessage: null,
    unknownIntent,
    reward: rewardFor(verdict, rewards),
  };
}
