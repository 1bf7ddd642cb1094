/**
 * Request and response schemas of the write API: ingestion, the taxonomy and
 * the intent-feedback (reward) endpoints. The route handlers parse with these,
 * and the OpenAPI document is generated from the same objects.
 */
import { z } from "zod";
import { FORMAT_ERROR_CODES, INTENT_VERDICTS, type FormatErrorCode, type IntentVerdict } from "../grading/intent";
import { recordSchema } from "./record";
import { intentIdSchema, rubricItemSchema } from "./taxonomy";

// ---------------------------------------------------------------------------
// Limits

/** Records per POST /api/v1/ingest request (413 beyond). */
export const INGEST_MAX_RECORDS = 1000;
/** Body size of POST /api/v1/ingest (413 beyond). */
export const INGEST_MAX_BYTES = 5_000_000;
/** Items per POST /api/v1/feedback/intent/batch request (413 beyond). */
export const FEEDBACK_BATCH_MAX_ITEMS = 10_000;
/** Body size of POST /api/v1/feedback/intent: one completion of up to 200,000 characters, JSON-escaped. */
export const FEEDBACK_MAX_BYTES = 2_000_000;
/** Body size of POST /api/v1/feedback/intent/batch. */
export const FEEDBACK_BATCH_MAX_BYTES = 20_000_000;
/** Completion text accepted by the feedback endpoints (same limit as ingestion). */
export const COMPLETION_MAX_CHARS = 200_000;

/**
 * An array whose items are parsed one by one by the handler (so one bad item
 * does not hide the others, and the item count is checked before any item is
 * validated), documented with the item schema it is checked against.
 */
function itemsCheckedByHandler(item: z.ZodType, description: string) {
  const { $schema: _ignored, ...items } = z.toJSONSchema(item, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return z.array(z.unknown()).meta({ description, items });
}

// ---------------------------------------------------------------------------
// POST /api/v1/ingest

export const ingestRequestSchema = z
  .object({
    records: itemsCheckedByHandler(
      recordSchema,
      `Up to ${INGEST_MAX_RECORDS.toLocaleString("en-US")} records (the JSONL line format). Each is validated on its own: an invalid record is reported with its index, path and message and the others are still stored.`,
    ),
  })
  .strict();

export const recordStatusSchema = z.enum(["created", "updated", "unchanged", "rejected"]);

export const recordResultSchema = z.object({
  index: z.number().int().nonnegative().meta({ description: "Position of the record in the request's `records`." }),
  status: recordStatusSchema,
  caseId: z.string().nullable().meta({ description: "The record's case id (null when the record has none)." }),
  error: z
    .object({
      path: z.array(z.union([z.string(), z.number()])).meta({ description: "Where in the record, e.g. [\"completions\", 0, \"latencyMs\"]." }),
      message: z.string(),
    })
    .optional()
    .meta({ description: "Why the record was rejected (status `rejected` only)." }),
  warnings: z
    .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string(), predictedIntent: z.string() }))
    .optional()
    .meta({ description: "Stored, but worth a look: e.g. a completion whose predicted intent is not in the taxonomy (graded `wrong` and flagged)." }),
});
export type IngestRecordResult = z.infer<typeof recordResultSchema>;

export const ingestSummarySchema = z.object({
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
});
export type IngestSummary = z.infer<typeof ingestSummarySchema>;

export const ingestResponseSchema = z.object({
  results: z.array(recordResultSchema).meta({ description: "One result per record, in request order." }),
  summary: ingestSummarySchema,
});
export type IngestResponse = z.infer<typeof ingestResponseSchema>;

// ---------------------------------------------------------------------------
// PUT/GET /api/v1/intents

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

// ---------------------------------------------------------------------------
// POST /api/v1/feedback/intent (+ /batch)

export const feedbackItemSchema = z
  .object({
    completion: z.string().max(COMPLETION_MAX_CHARS, `completion is at most ${COMPLETION_MAX_CHARS.toLocaleString("en-US")} characters`).meta({
      description: "The model's full generation: <analysis>…</analysis><intent>…</intent> reply.",
    }),
    expectedIntent: intentIdSchema.meta({ description: "The ground-truth intent; must be in the project's taxonomy." }),
  })
  .strict();
export type FeedbackItem = z.infer<typeof feedbackItemSchema>;

export const feedbackBatchRequestSchema = z
  .object({
    items: itemsCheckedByHandler(feedbackItemSchema, `Up to ${FEEDBACK_BATCH_MAX_ITEMS.toLocaleString("en-US")} items, graded independently; results come back in the same order.`),
  })
  .strict();

export const feedbackResultSchema = z.object({
  reward: z.number().meta({ description: "The project's reward for the verdict (default correct 1, wrong -1, format error -1)." }),
  verdict: z.enum([...INTENT_VERDICTS] as [IntentVerdict, ...IntentVerdict[]]),
  predictedIntent: z.string().nullable().meta({ description: "Trimmed, lower-cased; null on a format error." }),
  formatError: z.enum([...FORMAT_ERROR_CODES] as [FormatErrorCode, ...FormatErrorCode[]]).nullable(),
  formatErrorMessage: z.string().nullable(),
  unknownIntent: z.boolean().meta({ description: "The predicted intent is not in the taxonomy (graded wrong)." }),
});
export type FeedbackResult = z.infer<typeof feedbackResultSchema>;

export const feedbackBatchResponseSchema = z.object({ results: z.array(feedbackResultSchema) });

// ---------------------------------------------------------------------------
// Errors (documentation only: every 4xx/5xx body has this shape)

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown(),
  }),
});
