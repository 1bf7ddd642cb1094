/**
 * POST /api/v1/feedback/intent (+ /batch): the intent grader as a reward
 * endpoint for RL training. The same grader (gradeIntent), taxonomy and
 * per-project rewards as ingestion and evaluation, so a training reward and an
 * evaluation verdict can never disagree.
 *
 * Each request reads its key with the project's rewards and taxonomy version
 * (one query shared by the requests in flight); the taxonomy itself comes from
 * memory while that version is unchanged (lib/api/grading-context.ts), so a
 * taxonomy or reward change applies to the next request.
 */
import { gradeIntent } from "../../grading/intent";
import { apiErrorSchema } from "../../validations/api-error";
import {
  COMPLETION_MAX_CHARS,
  FEEDBACK_BATCH_MAX_BYTES,
  FEEDBACK_BATCH_MAX_ITEMS,
  FEEDBACK_MAX_BYTES,
  feedbackBatchRequestSchema,
  feedbackBatchResponseSchema,
  feedbackItemSchema,
  feedbackResultSchema,
  type FeedbackItem,
  type FeedbackResult,
} from "../../validations/feedback";
import { defineEndpoint } from "../endpoint";
import { apiHandler } from "../handler";
import { ApiError, checkBatchSize, issueDetails } from "../errors";
import { gradingContextFor, type GradingContext } from "../grading-context";
import type { VerifiedKey } from "../keys";

const common = [
  "The completion must be `<analysis>…</analysis><intent>…</intent>` and a non-empty reply: each tag exactly once, in that order, lower-case; anything else is the verdict `format_error`, with a code naming the rule it broke. The predicted intent (the tag's content, trimmed and lower-cased) is `correct` when it equals expectedIntent, `wrong` otherwise. Graded by the one intent grader against the project's taxonomy, with the project's rewards (by default 1 for correct, -1 for wrong or a format error): the same verdict and reward that ingestion stores for the same completion and ground truth.",
  "A predicted intent outside the taxonomy is graded wrong and flagged `unknownIntent`; an expectedIntent outside the taxonomy is a 400 (add it with PUT /api/v1/intents first).",
  `Completion text is at most ${COMPLETION_MAX_CHARS.toLocaleString("en-US")} characters.`,
  "Needs a key with scope `ingest` (or `admin`): the reward endpoint belongs to the training loop that pushes evaluation data; it writes nothing.",
  "Taxonomy and rewards changes apply from the next request on.",
].join(" ");

const errors = {
  400: { description: "Invalid JSON or body, or an expectedIntent outside the taxonomy.", schema: apiErrorSchema },
  413: { description: "The body (or the batch) is larger than the limit.", schema: apiErrorSchema },
};

export const feedbackIntentEndpoint = defineEndpoint({
  method: "POST",
  path: "/api/v1/feedback/intent",
  operationId: "gradeIntent",
  summary: "Grade one completion's intent (reward)",
  description: `Takes \`{"completion", "expectedIntent"}\` and returns \`{reward, verdict, predictedIntent, formatError, formatErrorMessage, unknownIntent}\`. ${common}`,
  tags: ["feedback"],
  permission: "ingest",
  body: feedbackItemSchema,
  maxBytes: FEEDBACK_MAX_BYTES,
  responses: { 200: { description: "The verdict and reward.", schema: feedbackResultSchema }, ...errors },
});

export const feedbackIntentBatchEndpoint = defineEndpoint({
  method: "POST",
  path: "/api/v1/feedback/intent/batch",
  operationId: "gradeIntentBatch",
  summary: "Grade many completions' intents (rewards)",
  description:
    `Takes \`{"items": [{"completion", "expectedIntent"}, ...]}\`, at most ${FEEDBACK_BATCH_MAX_ITEMS.toLocaleString("en-US")} items and ${FEEDBACK_BATCH_MAX_BYTES / 1_000_000} MB (413 beyond), ` +
    `and returns \`{"results": [...]}\` in the same order. Any invalid item makes the whole request a 400 naming the items (\`error.details\`), so rewards never silently go missing. ${common}`,
  tags: ["feedback"],
  permission: "ingest",
  body: feedbackBatchRequestSchema,
  maxBytes: FEEDBACK_BATCH_MAX_BYTES,
  responses: { 200: { description: "One result per item, in order.", schema: feedbackBatchResponseSchema }, ...errors },
});

function unknownExpected(intent: string): string {
  return `unknown intent '${intent}': add it to the taxonomy first`;
}

function grade(item: FeedbackItem, context: GradingContext): FeedbackResult {
  const g = gradeIntent(item.completion, item.expectedIntent, { taxonomy: context.taxonomy, rewards: context.rewards });
  return {
    reward: g.reward,
    verdict: g.verdict,
    predictedIntent: g.predictedIntent,
    formatError: g.formatError,
    formatErrorMessage: g.formatErrorMessage,
    unknownIntent: g.unknownIntent,
  };
}

export async function feedbackIntent(key: VerifiedKey, item: FeedbackItem): Promise<FeedbackResult> {
  const context = await gradingContextFor(key);
  if (!context.taxonomy.has(item.expectedIntent)) {
    throw new ApiError(400, "unknown_intent", unknownExpected(item.expectedIntent), [{ path: ["expectedIntent"], message: unknownExpected(item.expectedIntent) }]);
  }
  return grade(item, context);
}

const MAX_REPORTED = 100;

export async function feedbackIntentBatch(key: VerifiedKey, body: { items: unknown[] }): Promise<{ results: FeedbackResult[] }> {
  const raw = body.items;
  checkBatchSize(raw.length, FEEDBACK_BATCH_MAX_ITEMS, "items");
  const context = await gradingContextFor(key);
  const items: FeedbackItem[] = new Array(raw.length);
  const problems: { path: (string | number)[]; message: string }[] = [];
  let problemCount = 0;
  for (let index = 0; index < raw.length; index++) {
    const parsed = feedbackItemSchema.safeParse(raw[index]);
    if (!parsed.success) {
      problemCount++;
      if (problems.length < MAX_REPORTED) {
        for (const issue of issueDetails(parsed.error.issues)) problems.push({ path: ["items", index, ...issue.path], message: issue.message });
      }
      continue;
    }
    if (!context.taxonomy.has(parsed.data.expectedIntent)) {
      problemCount++;
      if (problems.length < MAX_REPORTED) problems.push({ path: ["items", index, "expectedIntent"], message: unknownExpected(parsed.data.expectedIntent) });
      continue;
    }
    items[index] = parsed.data;
  }
  if (problemCount > 0) {
    const first = problems[0]!;
    throw new ApiError(
      400,
      "invalid_body",
      `invalid request body: ${problemCount.toLocaleString("en-US")} invalid item${problemCount === 1 ? "" : "s"}, nothing was graded; first at ${first.path.join(".")}: ${first.message}`,
      problems.slice(0, MAX_REPORTED),
    );
  }
  return { results: items.map((item) => grade(item, context)) };
}

/** The endpoints' whole handling, for the Next route files and the custom server's direct path alike. */
export const feedbackIntentHandler = apiHandler(feedbackIntentEndpoint, ({ key, body }) => feedbackIntent(key, body));
export const feedbackIntentBatchHandler = apiHandler(feedbackIntentBatchEndpoint, ({ key, body }) => feedbackIntentBatch(key, body));
