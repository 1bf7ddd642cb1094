/**
 * POST /api/v1/feedback/intent (+ /batch): the intent grader as a reward
 * endpoint for RL training. The same grader (gradeIntent), taxonomy and
 * per-project rewards as ingestion and evaluation, so a training reward and an
 * evaluation verdict can never disagree.
 *
 * The project's rewards and taxonomy are cached in-process until a change is
 * announced by PostgreSQL (lib/db/changes.ts), so in the steady state a
 * request needs no database round trip, and a change applies to the next one.
 */
import { listenedCache } from "../../db/changes";
import { pool } from "../../db/pool";
import { gradeIntent, type RewardConfig } from "../../grading/intent";
import { loadProject } from "../../projects";
import {
  apiErrorSchema,
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
} from "../../validations/api-ingest";
import { defineEndpoint } from "../endpoint";
import { apiHandler } from "../handler";
import { ApiError, checkBatchSize, issueDetails } from "../errors";
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

// ---------------------------------------------------------------------------
// Per-project grading context, cached

export interface Grader {
  taxonomy: ReadonlySet<string>;
  rewards: RewardConfig;
}

const graders = listenedCache<number, Grader>("graders", (change, _grader, projectId) => change.kind === "project" && change.projectId === projectId);

/** The project's taxonomy and rewards, from memory when still current at the revision that confirmed the key. */
export async function graderFor(key: VerifiedKey): Promise<Grader> {
  const cached = graders.getAt(key.projectId, key.revision);
  if (cached) return cached;
  const { value: grader } = await graders.load(
    key.projectId,
    async () => {
      const project = await loadProject(pool(), key.projectName);
      return project ? { taxonomy: new Set(project.intents.keys()), rewards: project.rewards } : null;
    },
    key.revision,
  );
  if (!grader) throw new ApiError(401, "unauthorized", "the key's project no longer exists");
  return grader;
}

function unknownExpected(intent: string): string {
  return `unknown intent '${intent}': add it to the taxonomy first`;
}

function grade(item: FeedbackItem, grader: Grader): FeedbackResult {
  const g = gradeIntent(item.completion, item.expectedIntent, { taxonomy: grader.taxonomy, rewards: grader.rewards });
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
  const grader = await graderFor(key);
  if (!grader.taxonomy.has(item.expectedIntent)) {
    throw new ApiError(400, "unknown_intent", unknownExpected(item.expectedIntent), [{ path: ["expectedIntent"], message: unknownExpected(item.expectedIntent) }]);
  }
  return grade(item, grader);
}

const MAX_REPORTED = 100;

export async function feedbackIntentBatch(key: VerifiedKey, body: { items: unknown[] }): Promise<{ results: FeedbackResult[] }> {
  const raw = body.items;
  checkBatchSize(raw.length, FEEDBACK_BATCH_MAX_ITEMS, "items");
  const grader = await graderFor(key);
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
    if (!grader.taxonomy.has(parsed.data.expectedIntent)) {
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
  return { results: items.map((item) => grade(item, grader)) };
}

/** The endpoints' whole handling, for the Next route files and the custom server's direct path alike. */
export const feedbackIntentHandler = apiHandler(feedbackIntentEndpoint, ({ key, body }) => feedbackIntent(key, body));
export const feedbackIntentBatchHandler = apiHandler(feedbackIntentBatchEndpoint, ({ key, body }) => feedbackIntentBatch(key, body));
