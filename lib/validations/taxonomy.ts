import { z } from "zod";

/** Intent ids are stable, lower-case identifiers such as `cancel_order`. */
export const intentIdSchema = z
  .string()
  .trim()
  .min(1, "intent id must not be empty")
  .max(100, "intent id is at most 100 characters")
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, "intent id must be lower-case letters, digits, '_', '.' or '-'");

/** Longest rubric phrase; a regular expression longer than this is refused. */
export const RUBRIC_PHRASE_MAX = 200;

/**
 * Why a rubric regular expression is refused, or null when it is safe to run:
 * it must compile, and may not repeat a group that itself repeats (`(a+)+`),
 * the shape that makes backtracking exponential.
 */
export function unsafePattern(pattern: string): string | null {
  if (pattern.length > RUBRIC_PHRASE_MAX) return `pattern is longer than ${RUBRIC_PHRASE_MAX} characters`;
  try {
    new RegExp(pattern, "i");
  } catch (error) {
    return `pattern does not compile: ${(error as Error).message}`;
  }
  if (/\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/.test(pattern)) return "pattern repeats a repeated group (slow on some inputs)";
  if (/\\[1-9]/.test(pattern)) return "pattern uses a back reference";
  return null;
}

const phrases = z.array(z.string().min(1).max(RUBRIC_PHRASE_MAX)).min(1).max(50).optional();

/**
 * A machine-checkable rubric item, checked by the rubric judge against the
 * customer-visible reply, case-insensitively. Phrases are plain text unless
 * `match` is "regex"; a regular expression must pass `unsafePattern`. The
 * rules in full: lib/judging/rubric.ts.
 */
export const rubricItemSchema = z
  .object({
    id: z.string().trim().min(1).max(100),
    description: z.string().trim().min(1).max(500),
    /** The reply must contain at least one of these phrases. */
    mustInclude: phrases,
    /** The reply must contain none of these phrases. */
    mustNotInclude: phrases,
    /** The reply must ask a question (a sentence ending in "?") containing one of these phrases. */
    mustAskFor: phrases,
    /** How phrases match: plain text (default) or regular expressions. */
    match: z.enum(["literal", "regex"]).optional(),
  })
  .strict()
  .refine((item) => item.mustInclude !== undefined || item.mustNotInclude !== undefined || item.mustAskFor !== undefined, {
    message: "a rubric item needs mustInclude, mustNotInclude or mustAskFor",
  })
  .superRefine((item, ctx) => {
    if (item.match !== "regex") return;
    for (const key of ["mustInclude", "mustNotInclude", "mustAskFor"] as const) {
      item[key]?.forEach((pattern, index) => {
        const problem = unsafePattern(pattern);
        if (problem) ctx.addIssue({ code: "custom", path: [key, index], message: problem });
      });
    }
  });
export type RubricItem = z.infer<typeof rubricItemSchema>;

export const intentSchema = z
  .object({
    id: intentIdSchema,
    label: z.string().trim().min(1).max(200),
    description: z.string().max(2000).default(""),
    policy: z.string().trim().min(1, "policy guideline must not be empty").max(20_000),
    rubric: z.array(rubricItemSchema).max(50).default([]),
  })
  .strict();
export type IntentInput = z.input<typeof intentSchema>;
export type Intent = z.output<typeof intentSchema>;

export const taxonomySchema = z
  .object({ intents: z.array(intentSchema).min(1).max(1000) })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.intents.forEach((intent, index) => {
      if (seen.has(intent.id)) {
        ctx.addIssue({ code: "custom", path: ["intents", index, "id"], message: `duplicate intent id '${intent.id}'` });
      }
      seen.add(intent.id);
    });
  });

// ---------------------------------------------------------------------------
// Answers of PUT and GET /api/v1/intents

export const taxonomyResultSchema = z.object({
  created: z.array(z.string()).meta({ description: "Intents that did not exist (guideline version 1)." }),
  newVersion: z.array(z.string()).meta({ description: "Intents whose guideline (policy text or rubric) changed: a new guideline version each." }),
  unchanged: z.array(z.string()).meta({ description: "Intents whose guideline is unchanged (a new label or description is applied without a new version)." }),
});

export const intentListItemSchema = z.object({
  id: intentIdSchema,
  label: z.string(),
  description: z.string(),
  version: z.number().int().positive().meta({ description: "Current guideline version." }),
  policy: z.string().meta({ description: "Current guideline text." }),
  rubric: z.array(rubricItemSchema),
  updatedAt: z.string().meta({ description: "ISO 8601 time of the last change." }),
});
export const intentListSchema = z.object({ intents: z.array(intentListItemSchema) });
