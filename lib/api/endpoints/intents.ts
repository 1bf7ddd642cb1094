/**
 * PUT /api/v1/intents (admin): upsert the project's taxonomy, a changed
 * guideline becoming a new version. GET /api/v1/intents (read): the intents
 * with their current guideline.
 */
import { retryConflicts } from "../../db/retry";
import { intentsWithGuidelines, upsertIntents, type TaxonomyResult } from "../../taxonomy/intents";
import { apiErrorSchema } from "../../validations/api-error";
import { intentListSchema, taxonomyResultSchema } from "../../validations/taxonomy";
import { taxonomySchema } from "../../validations/taxonomy";
import type { Intent } from "../../validations/taxonomy";
import { defineEndpoint } from "../endpoint";
import type { VerifiedKey } from "../keys";
import { conflictAfterRetries } from "./ingest";

export const putIntentsEndpoint = defineEndpoint({
  method: "PUT",
  path: "/api/v1/intents",
  operationId: "upsertIntents",
  summary: "Create or update intents and their policy guidelines",
  description: [
    'Takes `{"intents": [{"id", "label", "description", "policy", "rubric"}]}` (rubric optional, 1 to 1,000 intents, ids unique).',
    "Intents not named are left as they are. A changed guideline (policy text or rubric) becomes a new guideline version; older versions stay, because past policy verdicts name the version they were judged against.",
    "A changed label or description alone is applied without a new version (reported as unchanged). Needs an `admin` key.",
  ].join(" "),
  tags: ["taxonomy"],
  permission: "admin",
  body: taxonomySchema,
  maxBytes: 25_000_000,
  responses: {
    200: { description: "What happened to each intent.", schema: taxonomyResultSchema },
    400: { description: "Invalid JSON or taxonomy.", schema: apiErrorSchema },
    409: { description: "A concurrent request kept changing the same intents; retry.", schema: apiErrorSchema },
    413: { description: "The body is larger than 25 MB.", schema: apiErrorSchema },
  },
});

export const listIntentsEndpoint = defineEndpoint({
  method: "GET",
  path: "/api/v1/intents",
  operationId: "listIntents",
  summary: "List the project's intents with their current guideline",
  description: "Every intent of the key's project, ordered by id, with its current guideline version, policy text and rubric. Needs a `read` (or `admin`) key.",
  tags: ["taxonomy"],
  permission: "read",
  responses: {
    200: { description: "The intents.", schema: intentListSchema },
  },
});

export async function putIntents(key: VerifiedKey, body: { intents: Intent[] }): Promise<TaxonomyResult> {
  // The commit bumps the project's taxonomy version: the next feedback request grades with the new taxonomy.
  return conflictAfterRetries(() => retryConflicts(() => upsertIntents(key.projectId, body.intents)));
}

export async function listIntents(key: VerifiedKey) {
  const intents = await intentsWithGuidelines(key.projectId);
  return { intents: intents.map((intent) => ({ ...intent, updatedAt: intent.updatedAt.toISOString() })) };
}
