import { z } from "zod";

/** Intent ids are stable, lower-case identifiers such as `cancel_order`. */
export const intentIdSchema = z
  .string()
  .trim()
  .min(1, "intent id must not be empty")
  .max(100, "intent id is at most 100 characters")
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, "intent id must be lower-case letters, digits, '_', '.' or '-'");

/**
 * A machine-checkable rubric item, checked by the rubric judge against the
 * customer-visible reply. Matching is case-insensitive substring matching:
 * plain text, so a user-supplied rubric can never be a slow regular expression.
 */
export const rubricItemSchema = z
  .object({
    id: z.string().trim().min(1).max(100),
    description: z.string().trim().min(1).max(500),
    /** The reply must contain at least one of these phrases. */
    mustInclude: z.array(z.string().min(1).max(200)).min(1).max(50).optional(),
    /** The reply must contain none of these phrases. */
    mustNotInclude: z.array(z.string().min(1).max(200)).min(1).max(50).optional(),
  })
  .strict()
  .refine((item) => item.mustInclude !== undefined || item.mustNotInclude !== undefined, {
    message: "a rubric item needs mustInclude or mustNotInclude",
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
