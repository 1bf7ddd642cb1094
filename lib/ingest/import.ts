/**
 * Importing a JSONL file of ingest records (lines parsed and validated by
 * ./jsonl.ts) into a project: the work behind `ib import`, which only parses
 * its arguments and prints.
 *
 * - importLines stores the valid records through the one batch scheduler
 *   (./stream.ts) and reports each bad line: one that is not a valid record,
 *   or one the store refused (an unknown intent, a run named with another model).
 * - checkLines makes the store's checks (./checks.ts) over the whole file
 *   without writing: the validation pass of --strict and --dry-run.
 */
import type { ProjectContext } from "../projects";
import { RecordCheck } from "./checks";
import { formatPath, type LineError, type ParsedLine } from "./jsonl";
import { countStoredCases, runModels } from "./queries";
import type { RecordResult } from "./store";
import { BatchNotStoredError, storeItems } from "./stream";

export interface LineProgress {
  /** Lines handled so far, blank lines left out. */
  records: number;
  /** Bytes of the file handled so far. */
  bytes: number;
}

export interface LineCallbacks {
  /** A bad line and its problems. */
  onBadLine: (errors: LineError[]) => void;
  onProgress: (progress: LineProgress) => void;
}

export interface CheckSummary {
  records: number;
  blank: number;
  badLines: number;
  /** Valid records whose case is already stored (when asked to count them). */
  existingCases: number;
  /** Runs first used in the file: name -> model and line. */
  newRuns: Map<string, { model: string; line: number }>;
}

/** Reads every line and checks it as the store would; writes nothing. */
export async function checkLines(
  project: ProjectContext,
  lines: AsyncIterable<ParsedLine>,
  options: LineCallbacks & { countExisting: boolean; batchSize: number },
): Promise<CheckSummary> {
  const checker = new RecordCheck(project, await runModels(project.id));
  const summary: CheckSummary = { records: 0, blank: 0, badLines: 0, existingCases: 0, newRuns: checker.newRuns };
  let pendingIds: string[] = [];
  const countExisting = async () => {
    if (pendingIds.length === 0) return;
    summary.existingCases += await countStoredCases(project.id, pendingIds);
    pendingIds = [];
  };
  let count = 0;
  let bytes = 0;
  for await (const parsed of lines) {
    count += 1;
    bytes = parsed.end;
    if (parsed.kind === "blank") {
      summary.blank += 1;
    } else if (parsed.kind === "invalid") {
      summary.badLines += 1;
      options.onBadLine(parsed.errors);
    } else {
      const problem = checker.check(parsed.record, parsed.line);
      if (problem) {
        summary.badLines += 1;
        options.onBadLine([{ line: parsed.line, path: formatPath(problem.path), message: problem.message }]);
      } else {
        summary.records += 1;
        if (options.countExisting) {
          pendingIds.push(parsed.record.case.id);
          if (pendingIds.length >= options.batchSize) await countExisting();
        }
      }
    }
    if ((count & 255) === 0) options.onProgress({ records: count - summary.blank, bytes });
  }
  await countExisting();
  options.onProgress({ records: count - summary.blank, bytes });
  return summary;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  /** Lines that are not valid records. */
  invalid: number;
  /** Valid records the store refused. */
  refused: number;
  blank: number;
  /** Completions stored with a predicted intent outside the taxonomy (graded wrong), by that intent. */
  unknownPredictions: Map<string, number>;
  /** A batch that could not be stored at all (the database failed, say): the import stopped there. */
  failure: string | null;
}

type RecordLine = Extract<ParsedLine, { kind: "record" }>;

/** Parses, validates and stores the lines in batches, reporting each bad line. */
export async function importLines(
  project: ProjectContext,
  lines: AsyncIterable<ParsedLine>,
  options: LineCallbacks & { batchSize: number; concurrency: number },
): Promise<ImportSummary> {
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, invalid: 0, refused: 0, blank: 0, unknownPredictions: new Map(), failure: null };
  let handled = 0;
  let bytesDone = 0;
  let lastEnd = 0;

  async function* recordLines(): AsyncGenerator<RecordLine> {
    for await (const parsed of lines) {
      lastEnd = parsed.end;
      if (parsed.kind === "blank") {
        summary.blank += 1;
      } else if (parsed.kind === "invalid") {
        summary.invalid += 1;
        handled += 1;
        options.onBadLine(parsed.errors);
      } else {
        yield parsed;
      }
    }
  }

  const onBatch = (batch: readonly RecordLine[], results: RecordResult[]) => {
    for (const result of results) {
      if (result.status === "rejected") {
        summary.refused += 1;
        const error = result.error ?? { path: [], message: "rejected" };
        options.onBadLine([{ line: batch[result.index]!.line, path: formatPath(error.path), message: error.message }]);
      } else {
        summary[result.status] += 1;
        for (const { predictedIntent } of result.warnings ?? []) {
          summary.unknownPredictions.set(predictedIntent, (summary.unknownPredictions.get(predictedIntent) ?? 0) + 1);
        }
      }
    }
    handled += results.length;
    bytesDone = Math.max(bytesDone, batch.at(-1)!.end);
    options.onProgress({ records: handled, bytes: bytesDone });
  };

  try {
    await storeItems(project, recordLines(), (parsed) => parsed.record, { batchSize: options.batchSize, concurrency: options.concurrency, onBatch });
    bytesDone = lastEnd;
  } catch (error) {
    if (!(error instanceof BatchNotStoredError)) throw error;
    const batch = error.items as readonly RecordLine[];
    summary.failure = `lines ${batch[0]!.line}-${batch.at(-1)!.line}: ${error.message}`;
  }
  options.onProgress({ records: handled, bytes: bytesDone });
  return summary;
}
