/**
 * Request and response of the RL reward endpoints, POST /api/v1/feedback/intent
 * and its batch form: the one grader's verdict and the project's reward.
 */
import { z } from "zod";
import { FORMAT_ERROR_CODES, INTENT_VERDICTS, type FormatErrorCode, type IntentVerdict } from "../grading/intent";
import { itemsCheckedByHandler } from "./items";
import { intentIdSchema } from "./taxonomy";

/** Items per POST /api/v1/feedback/intent/batch request (413 beyond). */
export const FEEDBACK_BATCH_MAX_ITEMS = 10_000;
/** Body size of POST /api/v1/feedback/intent: one completion of up to 200,000 characters, JSON-escaped. */
export const FEEDBACK_MAX_BYTES = 2_000_000;
/** Body size of POST /api/v1/feedback/intent/batch. */
export const FEEDBACK_BATCH_MAX_BYTES = 20_000_000;
/** Completion text accepted by the feedback endpoints (same limit as ingestion). */
export const COMPLETION_MAX_CHARS = 200_000;

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
