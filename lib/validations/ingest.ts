/**
 * Request and response of POST /api/v1/ingest: the route handler parses with
 * these, and the OpenAPI document is generated from the same objects.
 */
import { z } from "zod";
import { itemsCheckedByHandler } from "./items";
import { recordSchema } from "./record";

/** Records per POST /api/v1/ingest request (413 beyond). */
export const INGEST_MAX_RECORDS = 1000;
/** Body size of POST /api/v1/ingest (413 beyond). */
export const INGEST_MAX_BYTES = 5_000_000;

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
