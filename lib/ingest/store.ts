/**
 * Stores ingest records: the one storage path behind POST /api/v1/ingest, the
 * import CLI, the demo loader and the benchmarks.
 *
 * A batch is checked record by record (unknown intents, run/model clashes,
 * duplicates), then merged in one transaction with set-based statements, so a
 * record is stored whole or not at all, and re-sending it changes nothing.
 * Every completion is graded here by the one intent grader.
 */
import type pg from "pg";
import { isDeepStrictEqual } from "node:util";
import { ConflictError } from "../db/retry";
import { gradeIntent, type IntentGrade } from "../grading/intent";
import type { ProjectContext } from "../projects";
import type { IngestRecord } from "../validations/record";
import { noteNewRuns, runModelIssue, STORED_RUN, unknownIntentIssue, type KnownRun } from "./checks";
import { storeCompletions } from "./completions";
import { caseLine, COPY_CASES, copyRows, reserveIds } from "./copy";
import { FORMAT_ERROR_POLICY, regradeCases, storedPredictedIntent } from "./regrade";

export type RecordStatus = "created" | "updated" | "unchanged" | "rejected";

export interface RecordIssue {
  path: (string | number)[];
  message: string;
}

export interface RecordResult {
  index: number;
  status: RecordStatus;
  caseId: string;
  error?: RecordIssue;
  /** Stored, but worth a look: completions that predicted an intent outside the taxonomy (graded wrong). */
  warnings?: UnknownPrediction[];
}

export interface UnknownPrediction extends RecordIssue {
  predictedIntent: string;
}

function unknownPrediction(completion: number, intent: string): UnknownPrediction {
  const stored = storedPredictedIntent(intent);
  if (stored.truncated) {
    const message = `predicted intent of ${intent.length.toLocaleString("en-US")} characters is longer than any intent id: graded wrong, stored cut to its first ${stored.value!.length}`;
    return { path: ["completions", completion, "text"], message, predictedIntent: stored.value! };
  }
  return { path: ["completions", completion, "text"], message: `predicted intent '${intent}' is not in the taxonomy: graded wrong`, predictedIntent: intent };
}

export interface PlannedCompletion {
  caseExternalId: string;
  expectedIntent: string;
  /** The case's tags, stored on the completion too (the aggregates' tag key). */
  caseTags: string[];
  runName: string;
  text: string;
  grade: IntentGrade;
  latencyMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  metadata: Record<string, unknown>;
  policy: { verdict: "pass" | "fail"; rationale: string; judge: string; judgeVersion: string; source: "imported" | "judged"; guidelineVersion: number | null } | null;
}

function refuse(index: number, record: IngestRecord, error: RecordIssue): RecordResult {
  return { index, status: "rejected", caseId: record.case.id, error };
}

function reject(index: number, record: IngestRecord, path: (string | number)[], message: string): RecordResult {
  return refuse(index, record, { path, message });
}

/** A concurrent writer created one of the batch's new cases first: the batch was rolled back whole, and sending it again is the remedy. */
export class ConcurrentCaseError extends ConflictError {
  override name = "ConcurrentCaseError";

  constructor(options?: ErrorOptions) {
    super("a concurrent writer created the same case; retry the batch", options);
  }
}

/** Checks that need no database: taxonomy membership and duplicates within the batch. */
function precheck(project: ProjectContext, records: readonly IngestRecord[]): (RecordResult | null)[] {
  const seenCases = new Set<string>();
  return records.map((record, index) => {
    const unknown = unknownIntentIssue(project, record);
    if (unknown) return refuse(index, record, unknown);
    if (seenCases.has(record.case.id)) {
      return reject(index, record, ["case", "id"], `case '${record.case.id}' appears twice in this batch`);
    }
    seenCases.add(record.case.id);
    return null;
  });
}

/** How a record's completions are stored: graded by the one grader, with the policy verdict that applies. */
export function planCompletions(project: ProjectContext, record: IngestRecord, taxonomy: ReadonlySet<string> = new Set(project.intents.keys())): PlannedCompletion[] {
  return record.completions.map((completion) => {
    const grade = gradeIntent(completion.text, record.case.expectedIntent, { taxonomy, rewards: project.rewards });
    const guidelineVersion = grade.predictedIntent === null ? null : (project.intents.get(grade.predictedIntent) ?? null);
    const policy =
      grade.verdict === "format_error" ? { ...FORMAT_ERROR_POLICY, guidelineVersion: null }
      : completion.policy ? { verdict: completion.policy.verdict, rationale: completion.policy.rationale, judge: completion.policy.judge, judgeVersion: completion.policy.judgeVersion ?? "", source: "imported" as const, guidelineVersion }
      : null;
    return {
      caseExternalId: record.case.id,
      expectedIntent: record.case.expectedIntent,
      caseTags: record.case.tags,
      runName: completion.run,
      text: completion.text,
      grade,
      latencyMs: completion.latencyMs ?? null,
      promptTokens: completion.promptTokens ?? null,
      completionTokens: completion.completionTokens ?? null,
      metadata: completion.metadata,
      policy,
    };
  });
}

/** Creates missing runs (in name order, so concurrent writers lock alike); returns name -> {id, model}. */
async function createRuns(db: pg.ClientBase, projectId: number, wanted: Map<string, string>, names: string[]): Promise<Map<string, { id: number; model: string }>> {
  const created = [...wanted.keys()].sort();
  await db.query(
    `INSERT INTO runs (project_id, name, model) SELECT $1, name, model FROM unnest($2::text[], $3::text[]) AS x(name, model)
     ORDER BY name ON CONFLICT (project_id, name) DO NOTHING`,
    [projectId, created, created.map((name) => wanted.get(name)!)],
  );
  const { rows } = await db.query<{ id: number; name: string; model: string }>("SELECT id, name, model FROM runs WHERE project_id = $1 AND name = ANY($2)", [projectId, names]);
  return new Map(rows.map((row) => [row.name, { id: row.id, model: row.model }]));
}

export async function storeRecords(db: pg.ClientBase, project: ProjectContext, records: readonly IngestRecord[]): Promise<RecordResult[]> {
  const results = precheck(project, records);

  // Runs: created on first use. A record naming a run with another model than
  // the stored one (or, for a new run, than its first use in this batch) is rejected.
  const names = [...new Set(records.flatMap((record) => record.completions.map((c) => c.run)))];
  const stored = names.length === 0 ? [] : (await db.query<{ id: number; name: string; model: string }>("SELECT id, name, model FROM runs WHERE project_id = $1 AND name = ANY($2)", [project.id, names])).rows;
  const known = new Map<string, KnownRun>(stored.map((row) => [row.name, { model: row.model, where: STORED_RUN }]));
  const newRuns = new Map<string, string>();
  records.forEach((record, index) => {
    if (results[index]) return;
    const clash = runModelIssue(record, known);
    if (clash) {
      results[index] = refuse(index, record, clash);
      return;
    }
    for (const name of noteNewRuns(record, known, "is used earlier in this batch with")) newRuns.set(name, known.get(name)!.model);
  });
  // Nothing new: the runs just read are the ones to use (the common case of a bulk load), no second look-up.
  const runs = newRuns.size > 0 ? await createRuns(db, project.id, newRuns, names) : new Map(stored.map((row) => [row.name, { id: row.id, model: row.model }]));
  records.forEach((record, index) => {
    if (results[index]) return;
    // A concurrent writer may have created one of our new runs with another model.
    const clash = record.completions.findIndex((c) => runs.get(c.run)!.model !== c.model);
    if (clash >= 0) {
      const c = record.completions[clash]!;
      results[index] = reject(index, record, ["completions", clash, "model"], `run '${c.run}' exists with model '${runs.get(c.run)!.model}', not '${c.model}'`);
    }
  });

  const accepted = records.map((record, index) => ({ record, index })).filter(({ index }) => !results[index]);
  if (accepted.length === 0) return results.map((result) => result!);

  // Cases: lock the existing ones (serialises concurrent writers of one case), insert the new ones.
  const externalIds = accepted.map(({ record }) => record.case.id);
  const existing = await db.query<{ id: number; external_id: string; messages: unknown; expected_intent: string; tags: string[]; metadata: unknown }>(
    `SELECT id, external_id, messages, expected_intent, tags, metadata FROM cases
      WHERE project_id = $1 AND external_id = ANY($2) ORDER BY id FOR UPDATE`,
    [project.id, externalIds],
  );
  const caseRows = new Map(existing.rows.map((row) => [row.external_id, row]));
  const status = new Map<string, RecordStatus>();
  const changedCases: { id: number; record: IngestRecord }[] = [];
  const newCases: IngestRecord[] = [];
  for (const { record } of accepted) {
    const row = caseRows.get(record.case.id);
    if (!row) {
      newCases.push(record);
      status.set(record.case.id, "created");
    } else if (
      row.expected_intent !== record.case.expectedIntent ||
      !isDeepStrictEqual(row.messages, record.case.messages) ||
      !isDeepStrictEqual(row.tags, record.case.tags) ||
      !isDeepStrictEqual(row.metadata, record.case.metadata)
    ) {
      changedCases.push({ id: row.id, record });
      status.set(record.case.id, "updated");
    } else {
      status.set(record.case.id, "unchanged");
    }
  }
  const caseIds = new Map(existing.rows.map((row) => [row.external_id, row.id]));
  if (newCases.length > 0) {
    // COPY with ids drawn up front. The case rows of this batch that exist are locked above; a
    // concurrent writer creating one of the new ones makes the COPY fail on the unique key (after
    // waiting for that writer), and the batch is rolled back whole, so nothing is half-stored.
    const ids = await reserveIds(db, "cases", newCases.length);
    const lines = newCases.map(({ case: c }, i) => caseLine(project.id, ids[i]!, c));
    try {
      await copyRows(db, COPY_CASES, lines);
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === "23505" && constraint === "cases_project_id_external_id_key") throw new ConcurrentCaseError({ cause: error });
      throw error;
    }
    newCases.forEach(({ case: c }, i) => caseIds.set(c.id, ids[i]!));
  }
  if (changedCases.length > 0) {
    await db.query(
      `UPDATE cases c SET messages = x.messages, expected_intent = x.expected_intent, tags = x.tags, metadata = x.metadata, updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS x(id bigint, messages jsonb, expected_intent text, tags text[], metadata jsonb)
        WHERE c.project_id = $1 AND c.id = x.id`,
      [project.id, JSON.stringify(changedCases.map(({ id, record: { case: c } }) => ({ id, messages: c.messages, expected_intent: c.expectedIntent, tags: c.tags, metadata: c.metadata })))],
    );
    const truthChanged = changedCases.filter(({ id, record }) => existing.rows.find((row) => row.id === id)!.expected_intent !== record.case.expectedIntent);
    if (truthChanged.length > 0) await regradeCases(db, project, truthChanged.map(({ id }) => id));
  }

  const taxonomy = new Set(project.intents.keys());
  const warnings = new Map<number, UnknownPrediction[]>();
  const planned = accepted.flatMap(({ record, index }) => {
    const plans = planCompletions(project, record, taxonomy);
    plans.forEach(({ grade }, i) => {
      if (grade.unknownIntent && grade.predictedIntent !== null) {
        const list = warnings.get(index) ?? [];
        list.push(unknownPrediction(i, grade.predictedIntent));
        warnings.set(index, list);
      }
    });
    return plans;
  });
  const completionStatus = await storeCompletions(db, project, runs, caseIds, planned, new Set(caseRows.keys()));
  for (const [externalId, changed] of completionStatus) {
    if (changed && status.get(externalId) === "unchanged") status.set(externalId, "updated");
  }
  for (const { record, index } of accepted) {
    const flagged = warnings.get(index);
    results[index] = { index, status: status.get(record.case.id)!, caseId: record.case.id, ...(flagged ? { warnings: flagged } : {}) };
  }
  return results.map((result) => result!);
}
