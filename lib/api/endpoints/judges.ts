/**
 * Judges and judge jobs. PUT /api/v1/judges/{name} and GET /api/v1/judges
 * (admin: they carry endpoints and secrets, shown masked); POST
 * /api/v1/judge-jobs and its cancel (ingest: the key that pushes a run may have
 * it judged); GET /api/v1/judge-jobs/{id} (read). The work is lib/judging/.
 */
import { z } from "zod";
import { pool } from "../../db/pool";
import { judgeJobView } from "../../judging/job-view";
import { cancelJudgeJob, createJudgeJob, JudgeJobInputError } from "../../judging/jobs";
import { JudgeConfigError, listJudges, putJudge } from "../../judging/judges";
import { SecretKeyMissing } from "../../judging/secrets";
import { apiErrorSchema } from "../../validations/api-error";
import { judgeConfigSchema, judgeJobRequestSchema, judgeJobSchema, judgeListSchema, judgeNameSchema, judgePutResultSchema, type JudgeConfig, type JudgeJobRequest } from "../../validations/judging";
import { defineEndpoint } from "../endpoint";
import { ApiError, JsonReply } from "../errors";
import type { VerifiedKey } from "../keys";

export const putJudgeEndpoint = defineEndpoint({
  method: "PUT",
  path: "/api/v1/judges/{name}",
  operationId: "putJudge",
  summary: "Create or change an LLM judge",
  description: [
    'Takes `{"kind": "openai", "baseUrl", "model", "apiKey", "temperature", "timeoutMs", "concurrency", "samples", "promptTemplate"}` (the last five optional).',
    "Any OpenAI-compatible chat-completions endpoint: a hosted API, vLLM, Ollama. The API key is stored encrypted and only ever shown masked; leave it out to keep the stored one, except when baseUrl changes (a stored key is never sent to a new address).",
    "Every change is a new configuration version; verdicts record the version they came from. `rubric` is the built-in judge and cannot be configured. Needs an `admin` key.",
  ].join(" "),
  tags: ["judging"],
  permission: "admin",
  params: z.object({ name: judgeNameSchema.meta({ description: "The judge's name (letters, digits, '_', '.', '-')." }) }),
  body: judgeConfigSchema,
  responses: {
    200: { description: "The judge as stored (key masked); `changed` is false when nothing differed.", schema: judgePutResultSchema },
    400: { description: "Invalid settings, a new baseUrl without apiKey, the name `rubric`, or no instance key to encrypt with.", schema: apiErrorSchema },
  },
});

export const listJudgesEndpoint = defineEndpoint({
  method: "GET",
  path: "/api/v1/judges",
  operationId: "listJudges",
  summary: "List the project's judges",
  description: "The built-in `rubric` judge first, then the LLM judges by name, with their settings and configuration version; API keys masked. Needs an `admin` key.",
  tags: ["judging"],
  permission: "admin",
  responses: { 200: { description: "The judges.", schema: judgeListSchema } },
});

export const createJudgeJobEndpoint = defineEndpoint({
  method: "POST",
  path: "/api/v1/judge-jobs",
  operationId: "createJudgeJob",
  summary: "Judge a run (or part of it)",
  description: [
    'Takes `{"judge", "run", ...}` plus any filter of `GET /api/v1/completions` (JSON values; arrays for several).',
    "Queues a job that judges every completion in scope lacking a verdict of the judge's current configuration against the predicted intent's current guideline version; the server's worker runs it. Needs an `ingest` key.",
  ].join(" "),
  tags: ["judging"],
  permission: "ingest",
  body: judgeJobRequestSchema,
  responses: {
    202: { description: "The job, queued.", schema: judgeJobSchema },
    400: { description: "Invalid body, or an unknown judge or run.", schema: apiErrorSchema },
  },
});

const jobParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,10}$/, "a judge job's id is a whole number")
    .transform(Number)
    .meta({ description: "The job's id." }),
});

export const judgeJobEndpoint = defineEndpoint({
  method: "GET",
  path: "/api/v1/judge-jobs/{id}",
  operationId: "getJudgeJob",
  summary: "A judge job's progress",
  description: "Status, done / total, errors (the first 100 named), requests sent, rate and ETA. Needs a `read` key.",
  tags: ["judging"],
  permission: "read",
  params: jobParams,
  responses: {
    200: { description: "The job.", schema: judgeJobSchema },
    400: { description: "An id that is not a whole number.", schema: apiErrorSchema },
    404: { description: "No such job in this project.", schema: apiErrorSchema },
  },
});

export const cancelJudgeJobEndpoint = defineEndpoint({
  method: "POST",
  path: "/api/v1/judge-jobs/{id}/cancel",
  operationId: "cancelJudgeJob",
  summary: "Cancel a judge job",
  description: "A queued job never starts; a running one stops after its current batch (verdicts stored so far stay). Cancelling a finished job changes nothing. Needs an `ingest` key.",
  tags: ["judging"],
  permission: "ingest",
  params: jobParams,
  responses: {
    200: { description: "The job after the request.", schema: judgeJobSchema },
    400: { description: "An id that is not a whole number.", schema: apiErrorSchema },
    404: { description: "No such job in this project.", schema: apiErrorSchema },
  },
});

/** Job ids are PostgreSQL integers: a larger number names no job (asked of the database, it would be an error). */
const MAX_JOB_ID = 2_147_483_647;

export async function putJudgeHandler(key: VerifiedKey, name: string, body: JudgeConfig) {
  try {
    // Audited like the judges page's form: who (the key), before and after, the key itself only masked.
    return await putJudge(key.projectId, name, body, undefined, { actor: { type: "api_key", id: `key #${key.id}` } });
  } catch (error) {
    if (error instanceof JudgeConfigError) throw new ApiError(400, error.code, error.message);
    if (error instanceof SecretKeyMissing) throw new ApiError(400, "no_secret_key", error.message);
    throw error;
  }
}

export async function listJudgesHandler(key: VerifiedKey) {
  return { judges: await listJudges(key.projectId) };
}

async function view(key: VerifiedKey, id: number) {
  const job = id > MAX_JOB_ID ? null : await judgeJobView(pool(), key.projectId, id);
  if (!job) throw new ApiError(404, "not_found", `no judge job '${id}' in this project`);
  return job;
}

export async function createJudgeJobHandler(key: VerifiedKey, body: JudgeJobRequest) {
  try {
    const id = await createJudgeJob(pool(), key.projectId, body);
    return new JsonReply(202, await view(key, id));
  } catch (error) {
    if (error instanceof JudgeJobInputError) throw new ApiError(400, "invalid_body", error.message);
    throw error;
  }
}

export const judgeJobHandler = (key: VerifiedKey, id: number) => view(key, id);

export async function cancelJudgeJobHandler(key: VerifiedKey, id: number) {
  if (id > MAX_JOB_ID || (await cancelJudgeJob(pool(), key.projectId, id)) === null) throw new ApiError(404, "not_found", `no judge job '${id}' in this project`);
  return view(key, id);
}

