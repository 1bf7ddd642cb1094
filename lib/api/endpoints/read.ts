/**
 * The read API: runs, run metrics, one case, and the filtered completion list.
 * Each endpoint is described once (request and response schemas) for the
 * route handler and the OpenAPI document; the handlers here only call the
 * query layer and shape its answer. Everything is scoped to the key's project:
 * another project's run or case is a 404, exactly like one that does not exist.
 */
import { z } from "zod";
import { pool } from "../../db/pool";
import { INTENT_VERDICTS, type IntentVerdict } from "../../grading/intent";
import { runMetrics, verdictJudges } from "../../metrics/queries";
import { caseDetail } from "../../query/cases";
import { listCompletions } from "../../query/completions";
import { listRunsWithCounts } from "../../query/runs";
import { apiErrorSchema } from "../../validations/api-error";
import { completionListQuerySchema, POLICY_VERDICTS, type CompletionListQuery } from "../../validations/filters";
import { judgeViewQuerySchema, type JudgeViewQuery } from "../../validations/judging";
import { messageSchema } from "../../validations/record";
import { defineEndpoint } from "../endpoint";
import { ApiError } from "../errors";
import type { VerifiedKey } from "../keys";

// ---------------------------------------------------------------------------
// Response schemas

const isoTime = z.iso.datetime().meta({ description: "ISO 8601 time (UTC)." });
const intentVerdictSchema = z.enum([...INTENT_VERDICTS] as [IntentVerdict, ...IntentVerdict[]]);
const policyVerdictSchema = z.enum(POLICY_VERDICTS);
const jsonObject = z.record(z.string(), z.unknown());

export const runListSchema = z.object({
  runs: z.array(
    z.object({
      name: z.string(),
      model: z.string(),
      parameters: jsonObject,
      createdAt: isoTime,
      completions: z.number().int().nonnegative().meta({ description: "Completions stored for this run." }),
    }),
  ),
});

const rate = {
  accuracy: z.number().nullable().meta({ description: "null when there is nothing to divide by." }),
  ci95: z.tuple([z.number(), z.number()]).nullable().meta({ description: "95% Wilson score interval." }),
};
const metricSummarySchema = z.object({
  total: z.number().int().nonnegative(),
  intent: z.object({ correct: z.number().int(), wrong: z.number().int(), formatError: z.number().int(), ...rate }).meta({ description: "correct / all completions (format errors count as not correct)." }),
  policy: z.object({ pass: z.number().int(), fail: z.number().int(), pending: z.number().int(), ...rate }).meta({ description: "pass / (pass + fail); pending excluded and counted separately." }),
  system: z.object({ success: z.number().int(), ...rate }).meta({ description: "intent correct AND policy pass / all completions, measured jointly." }),
  productReference: z.number().nullable().meta({ description: "intent accuracy x policy accuracy: a reference only, not the system accuracy." }),
});
export const runMetricsSchema = metricSummarySchema.extend({
  run: z.string(),
  model: z.string(),
  judge: z.string().nullable().meta({ description: "The judge whose verdicts alone the policy figures count (`?judge`); null: each completion's counted verdict (the primary judge's, or the latest of any judge)." }),
  perIntent: z.array(metricSummarySchema.extend({ id: z.string().meta({ description: "Ground-truth intent id; `total` is its support." }) })),
});

const judgedPolicySchema = z.object({
  verdict: z.enum(["pass", "fail"]),
  rationale: z.string(),
  judge: z.string(),
  judgeVersion: z.string(),
  guidelineVersion: z.number().int().nullable().meta({ description: "Guideline version judged against (null when imported without one)." }),
  source: z.enum(["judged", "imported"]),
  judgedAt: isoTime,
  superseded: z.boolean().meta({ description: "Given before the completion's text was replaced: history only, never counted." }),
});

export const caseDetailSchema = z.object({
  case: z.object({
    id: z.string().meta({ description: "The case's external id." }),
    messages: z.array(messageSchema),
    expectedIntent: z.string(),
    tags: z.array(z.string()),
    metadata: jsonObject,
    createdAt: isoTime,
    updatedAt: isoTime,
  }),
  completions: z.array(
    z.object({
      run: z.string(),
      model: z.string(),
      text: z.string().meta({ description: "The full generation (model output: untrusted text)." }),
      analysis: z.string().nullable(),
      predictedIntent: z.string().nullable(),
      predictedIntentTruncated: z.boolean().meta({ description: "The intent tag was longer than any intent id (200+ characters): predictedIntent is its start; the full generation is in `text`." }),
      reply: z.string().nullable().meta({ description: "The customer-visible reply; null on a format error." }),
      intentVerdict: intentVerdictSchema,
      formatError: z.string().nullable(),
      unknownIntent: z.boolean(),
      reward: z.number(),
      policy: z.union([judgedPolicySchema, z.object({ verdict: z.literal("pending") })]).meta({ description: "The current policy verdict." }),
      policyHistory: z.array(judgedPolicySchema).meta({ description: "Every policy verdict given to this completion, newest first." }),
      latencyMs: z.number().int().nullable(),
      promptTokens: z.number().int().nullable(),
      completionTokens: z.number().int().nullable(),
      metadata: jsonObject,
      createdAt: isoTime,
      updatedAt: isoTime,
    }),
  ),
});

export const completionListSchema = z.object({
  items: z.array(
    z.object({
      caseId: z.string().meta({ description: "The case's external id (GET /api/v1/cases/{id})." }),
      run: z.string(),
      model: z.string(),
      expectedIntent: z.string(),
      predictedIntent: z.string().nullable(),
      predictedIntentTruncated: z.boolean().meta({ description: "The intent tag was longer than any intent id (200+ characters): predictedIntent is its start; the full generation is in `text`." }),
      intentVerdict: intentVerdictSchema,
      formatError: z.string().nullable(),
      unknownIntent: z.boolean(),
      policyVerdict: policyVerdictSchema,
      policyStale: z.boolean().meta({ description: "The policy verdict was judged against an older guideline version of the predicted intent than the one in force." }),
      reward: z.number(),
      reply: z.string().nullable(),
      text: z.string(),
      latencyMs: z.number().int().nullable(),
      promptTokens: z.number().int().nullable(),
      completionTokens: z.number().int().nullable(),
      createdAt: isoTime,
    }),
  ),
  nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
});

// ---------------------------------------------------------------------------
// Endpoints and handlers

export const listRunsEndpoint = defineEndpoint({
  method: "GET",
  path: "/api/v1/runs",
  operationId: "listRuns",
  summary: "List the project's runs",
  description: "Every run of the key's project, oldest first, with its model, parameters and completion count.",
  tags: ["read"],
  permission: "read",
  responses: { 200: { description: "The runs.", schema: runListSchema } },
});

export async function readRuns(key: VerifiedKey) {
  return { runs: await listRunsWithCounts(pool(), key.projectId) };
}

/** A name in the path: run names and case ids are 1 to 200 characters, so a longer one is refused before any lookup. */
function pathSegment(what: string) {
  return z.string().min(1, `${what} must not be empty`).max(200, `${what} is at most 200 characters`);
}

export const runMetricsEndpoint = defineEndpoint({
  method: "GET",
  path: "/api/v1/runs/{run}/metrics",
  operationId: "getRunMetrics",
  summary: "Intent, policy and system accuracy of one run",
  description: "Intent accuracy (correct / all completions), policy accuracy (pass / (pass + fail), pending counted apart) and system accuracy (intent correct and policy pass / all completions, measured jointly) of one run: counts, accuracies with 95% Wilson intervals, and the same per ground-truth intent.",
  tags: ["read", "metrics"],
  permission: "read",
  params: z.object({ run: pathSegment("a run name").meta({ description: "The run's name (URL-encoded)." }) }),
  query: judgeViewQuerySchema,
  responses: {
    200: { description: "The run's metrics.", schema: runMetricsSchema },
    400: { description: "A run name longer than any run's, an unknown query parameter or a bad judge name.", schema: apiErrorSchema },
    404: { description: "No run of that name, or no judge of that name, in this project.", schema: apiErrorSchema },
  },
});

/** The judge of `?judge=`, checked: one configured in the project or with verdicts in it. */
async function viewedJudge(projectId: number, judge: string | undefined): Promise<string | null> {
  if (judge === undefined) return null;
  const { names } = await verdictJudges(pool(), projectId);
  if (!names.includes(judge)) throw new ApiError(404, "not_found", `no judge named '${judge}' in this project (judges: ${names.map((n) => `'${n}'`).join(", ")})`);
  return judge;
}

export async function readRunMetrics(key: VerifiedKey, run: string, query: JudgeViewQuery) {
  const metrics = await runMetrics(pool(), key.projectId, run, await viewedJudge(key.projectId, query.judge));
  if (!metrics) throw new ApiError(404, "not_found", `no run named '${run}' in this project`);
  return { ...metrics, judge: query.judge ?? null };
}

export const caseEndpoint = defineEndpoint({
  method: "GET",
  path: "/api/v1/cases/{id}",
  operationId: "getCase",
  summary: "One case and every run's completion for it",
  description: "The conversation, ground truth, tags and metadata, and for each run its completion with the intent verdict and the policy verdict (details and history).",
  tags: ["read"],
  permission: "read",
  params: z.object({ id: pathSegment("a case id").meta({ description: "The case's external id (URL-encoded)." }) }),
  query: judgeViewQuerySchema,
  responses: {
    200: { description: "The case.", schema: caseDetailSchema },
    400: { description: "A case id longer than any case's, an unknown query parameter or a bad judge name.", schema: apiErrorSchema },
    404: { description: "No case with that id, or no judge of that name, in this project.", schema: apiErrorSchema },
  },
});

export async function readCase(key: VerifiedKey, id: string, query: JudgeViewQuery) {
  const detail = await caseDetail(pool(), key.projectId, id, await viewedJudge(key.projectId, query.judge));
  if (!detail) throw new ApiError(404, "not_found", `no case with id '${id}' in this project`);
  return detail;
}

export const listCompletionsEndpoint = defineEndpoint({
  method: "GET",
  path: "/api/v1/completions",
  operationId: "listCompletions",
  summary: "Filter completions, one page at a time",
  description: [
    "Filters: run, expectedIntent, predictedIntent, intentVerdict, policyVerdict (repeat a parameter for several values: any of them matches) and q (text search); different filters must all match.",
    "With `judge=J`, judge J's verdicts alone stand for the counted ones, in the policy filters and in the verdicts listed.",
    "Pages follow the completion id (`sort=id`, oldest first, or `sort=-id`); pass `nextCursor` back as `cursor` until it is null.",
    "Unknown parameters, bad values and bad cursors are a 400 naming them. A run name that the project does not have matches nothing.",
  ].join(" "),
  tags: ["read"],
  permission: "read",
  query: completionListQuerySchema,
  responses: {
    200: { description: "One page of completions.", schema: completionListSchema },
    400: { description: "Unknown parameter, bad value or bad cursor.", schema: apiErrorSchema },
    404: { description: "No judge of the `judge` name in this project.", schema: apiErrorSchema },
  },
});

export async function readCompletions(key: VerifiedKey, query: CompletionListQuery) {
  await viewedJudge(key.projectId, query.filter.judge);
  return listCompletions(pool(), key.projectId, query);
}
