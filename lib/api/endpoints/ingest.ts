/**
 * POST /api/v1/ingest: records (the JSONL line format) into the key's project.
 *
 * Order of checks: key and scope, admission (429), body size (413, 5 MB),
 * strict JSON (400), the envelope (400), the record count (413, 1,000) and
 * only then each record on its own. Valid records are stored by the one
 * storage path (storeRecords) in one transaction, so a request is stored
 * whole or not at all (per-record rejections aside), and re-sending it is a
 * no-op that answers "unchanged".
 */
import { withTransaction } from "../../db/pool";
import { CONFLICT_ATTEMPTS, isConflict, retryConflicts, sqlState } from "../../db/retry";
import { storeRecords, type RecordResult } from "../../ingest/store";
import { loadProject } from "../../projects";
import { apiErrorSchema } from "../../validations/api-error";
import {
  INGEST_MAX_BYTES,
  INGEST_MAX_RECORDS,
  ingestRequestSchema,
  ingestResponseSchema,
  type IngestRecordResult,
  type IngestResponse,
  type IngestSummary,
} from "../../validations/ingest";
import { recordSchema, type IngestRecord } from "../../validations/record";
import { defineEndpoint } from "../endpoint";
import { ApiError, checkBatchSize, errorBody, JsonReply } from "../errors";
import type { VerifiedKey } from "../keys";

export const ingestEndpoint = defineEndpoint({
  method: "POST",
  path: "/api/v1/ingest",
  operationId: "ingestRecords",
  summary: "Store cases and completions (idempotent)",
  description: [
    `Takes \`{"records": [Record, ...]}\`, at most ${INGEST_MAX_RECORDS.toLocaleString("en-US")} records and ${INGEST_MAX_BYTES / 1_000_000} MB per request (413 beyond, naming the limit).`,
    "A Record is one JSONL line of the import format: a case (id, messages, expectedIntent, tags, metadata) and its completions, one per run.",
    "Each record is stored whole or not at all, and re-sending it changes nothing (status `unchanged`). Runs are created on first use; a record naming an existing run with another model is rejected.",
    "A changed completion text replaces the old one and is re-graded; a changed expectedIntent re-grades the case's completions. An unknown expected intent rejects the record; an unknown predicted intent is graded wrong and flagged.",
    "Every completion is graded by the same intent grader as the feedback endpoint.",
    "Status: 200 when every record was stored (created, updated or unchanged); 207 with the same body when some records were rejected and the others stored;",
    "400 when every record was rejected (nothing was stored; the per-record results are in `error.details.results`), so a 4xx always means that nothing changed.",
    "A bad envelope (not an object, `records` missing or not an array, unknown top-level fields) is 400. 409 (with Retry-After) when concurrent writers kept creating the same cases after retries: re-send the batch.",
  ].join(" "),
  tags: ["ingest"],
  permission: "ingest",
  body: ingestRequestSchema,
  maxBytes: INGEST_MAX_BYTES,
  responses: {
    200: { description: "Every record stored (created, updated or unchanged).", schema: ingestResponseSchema },
    207: { description: "Some records rejected (see `results[].error`), the others stored.", schema: ingestResponseSchema },
    400: { description: "Invalid JSON or envelope, or every record rejected (then `error.details` holds `results` and `summary`).", schema: apiErrorSchema },
    409: { description: "Concurrent writers created the same cases; retry after Retry-After.", schema: apiErrorSchema },
    413: { description: `More than ${INGEST_MAX_RECORDS.toLocaleString("en-US")} records or ${INGEST_MAX_BYTES / 1_000_000} MB.`, schema: apiErrorSchema },
  },
});

// ---------------------------------------------------------------------------
// Storage failures the client can act on

/**
 * Runs `work` (a transaction, retried on conflicts by lib/db/retry.ts) and
 * turns what is left of a failure into the answer the client can act on: a
 * value PostgreSQL cannot store is a 400 naming it, a conflict that outlasted
 * the retries is 409 + Retry-After, never a 500.
 */
export async function conflictAfterRetries<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (sqlState(error).startsWith("22")) {
      // A value the validation let through but PostgreSQL cannot store (a data exception):
      // the client's input, so a 400 naming it rather than a 500. Nothing was stored.
      console.error("[api] data exception while storing", error);
      throw new ApiError(400, "invalid_value", `a value could not be stored: ${(error as Error).message}; nothing was stored`);
    }
    if (isConflict(error)) {
      throw new ApiError(409, "conflict", "concurrent requests kept writing the same cases; re-send the batch after the delay in Retry-After", { attempts: CONFLICT_ATTEMPTS }, { "retry-after": "1" });
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------
// The handler

function plural(count: number, word: string): string {
  return `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;
}

function rawCaseId(raw: unknown): string | null {
  const id = (raw as { case?: { id?: unknown } } | null)?.case?.id;
  return typeof id === "string" ? id : null;
}

function summarize(results: readonly IngestRecordResult[]): IngestSummary {
  const summary: IngestSummary = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const result of results) summary[result.status]++;
  return summary;
}

export async function ingest(key: VerifiedKey, body: { records: unknown[] }): Promise<JsonReply> {
  const raw = body.records;
  checkBatchSize(raw.length, INGEST_MAX_RECORDS, "records");

  const results: IngestRecordResult[] = new Array(raw.length);
  const valid: IngestRecord[] = [];
  const validIndex: number[] = [];
  raw.forEach((item, index) => {
    const parsed = recordSchema.safeParse(item);
    if (parsed.success) {
      valid.push(parsed.data);
      validIndex.push(index);
      return;
    }
    const issue = parsed.error.issues[0]!;
    results[index] = {
      index,
      status: "rejected",
      caseId: rawCaseId(item),
      error: { path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: issue.message },
    };
  });

  if (valid.length > 0) {
    const stored: RecordResult[] = await conflictAfterRetries(() =>
      retryConflicts(() =>
        withTransaction(async (db) => {
          const project = await loadProject(db, key.projectName);
          if (!project) throw new ApiError(401, "unauthorized", "the key's project no longer exists");
          return storeRecords(db, project, valid);
        }),
      ),
    );
    stored.forEach((result, i) => {
      const index = validIndex[i]!;
      results[index] = { ...result, index, caseId: result.caseId };
    });
  }

  const response: IngestResponse = { results, summary: summarize(results) };
  const { rejected } = response.summary;
  if (rejected === 0) return new JsonReply(200, response);
  if (rejected < raw.length) return new JsonReply(207, response);
  const first = results.find((result) => result.error)!;
  const where = first.error!.path.length > 0 ? ` at ${first.error!.path.join(".")}` : "";
  return new JsonReply(
    400,
    errorBody(
      "all_records_rejected",
      `every record was rejected (${plural(rejected, "record")}), nothing was stored; record ${first.index}${where}: ${first.error!.message}`,
      response,
    ),
  );
}
