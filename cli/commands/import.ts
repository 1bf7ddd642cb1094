/**
 * `ib import FILE.jsonl`: streams a JSONL file of ingest records (the record
 * format of POST /api/v1/ingest, one per line: README, "Record format") into a
 * project, in constant memory.
 *
 * Every line is validated with `recordSchema`, the validation behind
 * POST /api/v1/ingest, and valid records are stored in batches through
 * `storeRecords`, the storage code behind that endpoint, one transaction per
 * batch and a bounded number of batches in flight. Each bad line is reported
 * as `line N: <path>: <message>`, whether the line is not a valid record or the
 * store refused it (an unknown intent, a run named with another model).
 *
 * Order is kept as if the lines were sent one by one: a case id that appears
 * again later in the file is stored again (the later line wins), and a run is
 * created by its first use in the file, so two batches in flight never hold
 * the same case and never race to create the same run.
 *
 * --strict validates the whole file first (schema, taxonomy, run/model
 * consistency) and imports nothing if any line is bad. --dry-run does that
 * validation only and writes nothing.
 */
import { createReadStream } from "node:fs";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { pool, withTransaction } from "../../lib/db/pool";
import { DEFAULT_MAX_LINE_BYTES, formatLineError, formatPath, readRecords, type LineError } from "../../lib/ingest/jsonl";
import { storeRecords, type RecordResult } from "../../lib/ingest/store";
import { loadProject, type ProjectContext } from "../../lib/projects";
import type { IngestRecord } from "../../lib/validations/record";
import { parseOptions, UsageError } from "../args";
import { formatBytes, formatCount, formatDuration, Progress } from "../progress";
import { projectNameSchema, withDatabase } from "./project";

const USAGE = "usage: import FILE.jsonl [--project P] [--dry-run] [--strict] [--batch-size N] [--concurrency N]";

/** Bad lines printed in full; beyond that only counted. */
export const MAX_REPORTED_LINES = 100;
/** Problems printed for one line; beyond that only counted. */
const MAX_ERRORS_PER_LINE = 10;

const schema = z.object({
  project: projectNameSchema.optional(),
  "dry-run": z.boolean().default(false),
  strict: z.boolean().default(false),
  "batch-size": z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(1).max(10_000).default(1000),
  /** Batches stored at the same time, each in its own transaction and connection. */
  concurrency: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(1).max(8).default(2),
});

/**
 * The project named, or the only project when none is named. A project is
 * never created here: `project create` does that, deliberately.
 */
export async function resolveProject(name: string | undefined, note: (line: string) => void): Promise<ProjectContext> {
  if (name !== undefined) {
    const project = await loadProject(pool(), name);
    if (!project) throw new UsageError(`project '${name}' does not exist: create it with \`npm run ib -- project create ${name}\``);
    return project;
  }
  const { rows } = await pool().query<{ name: string }>("SELECT name FROM projects ORDER BY name LIMIT 6");
  if (rows.length === 0) throw new UsageError("no project exists yet: create one with `npm run ib -- project create NAME`, then pass --project NAME");
  if (rows.length > 1) {
    const names = rows.slice(0, 5).map((row) => `'${row.name}'`).join(", ");
    throw new UsageError(`--project is required when more than one project exists (${names}${rows.length > 5 ? ", ..." : ""})`);
  }
  note(`no --project given: using '${rows[0]!.name}', the only project`);
  return (await loadProject(pool(), rows[0]!.name))!;
}

/** Prints bad lines (up to a cap) and counts them all. */
class LineReport {
  badLines = 0;
  private shown = 0;

  constructor(private readonly print: (line: string) => void) {}

  add(errors: readonly LineError[]): void {
    this.badLines += 1;
    if (this.shown >= MAX_REPORTED_LINES) return;
    this.shown += 1;
    for (const error of errors.slice(0, MAX_ERRORS_PER_LINE)) this.print(formatLineError(error));
    if (errors.length > MAX_ERRORS_PER_LINE) this.print(`line ${errors[0]!.line}: ... and ${errors.length - MAX_ERRORS_PER_LINE} more problems on this line`);
  }

  /** A closing line when some bad lines were not printed. */
  finish(): void {
    if (this.badLines > this.shown) this.print(`... and ${formatCount(this.badLines - this.shown)} more bad lines not shown (${MAX_REPORTED_LINES} shown)`);
  }
}

interface FileInfo {
  file: string;
  size: number;
  mtimeMs: number;
}

async function fileInfo(file: string): Promise<FileInfo> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
  if (!info.isFile()) throw new UsageError(`not a file: ${file}`);
  await access(file, constants.R_OK).catch((error: Error) => {
    throw new UsageError(`cannot read ${file}: ${error.message}`);
  });
  return { file, size: info.size, mtimeMs: info.mtimeMs };
}

function openLines(file: string) {
  return readRecords(createReadStream(file, { highWaterMark: 256 * 1024 }), { maxLineBytes: DEFAULT_MAX_LINE_BYTES });
}

/** Existing runs of the project: name -> model. */
async function loadRuns(projectId: number): Promise<Map<string, string>> {
  const { rows } = await pool().query<{ name: string; model: string }>("SELECT name, model FROM runs WHERE project_id = $1", [projectId]);
  return new Map(rows.map((row) => [row.name, row.model]));
}

/**
 * The checks the store makes, made ahead without writing: the expected intent
 * is in the taxonomy, and a run keeps one model (the stored one, or its first
 * use in the file). Messages match the store's.
 */
class StorageCheck {
  /** Runs first used in this file: name -> model and line. */
  readonly newRuns = new Map<string, { model: string; line: number }>();

  constructor(
    private readonly project: ProjectContext,
    private readonly storedRuns: Map<string, string>,
  ) {}

  check(record: IngestRecord, line: number): LineError | null {
    if (!this.project.intents.has(record.case.expectedIntent)) {
      return { line, path: "case.expectedIntent", message: `unknown intent '${record.case.expectedIntent}': add it to the taxonomy first` };
    }
    for (const [index, completion] of record.completions.entries()) {
      const stored = this.storedRuns.get(completion.run);
      const first = this.newRuns.get(completion.run);
      if (stored !== undefined && stored !== completion.model) {
        return { line, path: `completions[${index}].model`, message: `run '${completion.run}' exists with model '${stored}', not '${completion.model}'` };
      }
      if (first && first.model !== completion.model) {
        return { line, path: `completions[${index}].model`, message: `run '${completion.run}' is first used on line ${first.line} with model '${first.model}', not '${completion.model}'` };
      }
    }
    for (const completion of record.completions) {
      if (!this.storedRuns.has(completion.run) && !this.newRuns.has(completion.run)) this.newRuns.set(completion.run, { model: completion.model, line });
    }
    return null;
  }
}

interface CheckSummary {
  records: number;
  blank: number;
  badLines: number;
  /** Valid records whose case is already stored (dry run only). */
  existingCases: number;
  newRuns: Map<string, { model: string; line: number }>;
}

/** The validation pass of --strict and --dry-run: reads the whole file, writes nothing. */
async function checkFile(info: FileInfo, project: ProjectContext, options: { report: LineReport; progress: Progress; countExisting: boolean; batchSize: number }): Promise<CheckSummary> {
  const checker = new StorageCheck(project, await loadRuns(project.id));
  const summary: CheckSummary = { records: 0, blank: 0, badLines: 0, existingCases: 0, newRuns: checker.newRuns };
  let pendingIds: string[] = [];
  const countExisting = async () => {
    if (pendingIds.length === 0) return;
    const { rows } = await pool().query<{ n: number }>("SELECT count(*)::int AS n FROM cases WHERE project_id = $1 AND external_id = ANY($2)", [project.id, pendingIds]);
    summary.existingCases += rows[0]!.n;
    pendingIds = [];
  };
  let lines = 0;
  for await (const parsed of openLines(info.file)) {
    lines += 1;
    if (parsed.kind === "blank") {
      summary.blank += 1;
    } else if (parsed.kind === "invalid") {
      options.report.add(parsed.errors);
    } else {
      const problem = checker.check(parsed.record, parsed.line);
      if (problem) {
        options.report.add([problem]);
      } else {
        summary.records += 1;
        if (options.countExisting) {
          pendingIds.push(parsed.record.case.id);
          if (pendingIds.length >= options.batchSize) await countExisting();
        }
      }
    }
    if ((lines & 255) === 0) options.progress.update({ records: lines - summary.blank, bytes: parsed.end });
  }
  await countExisting();
  summary.badLines = options.report.badLines;
  options.progress.update({ records: lines - summary.blank, bytes: info.size });
  return summary;
}

interface ImportSummary {
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

interface Batch {
  records: IngestRecord[];
  lines: number[];
  caseIds: Set<string>;
  runs: Set<string>;
  /** Byte offset just after the batch's last line. */
  end: number;
}

function newBatch(): Batch {
  return { records: [], lines: [], caseIds: new Set(), runs: new Set(), end: 0 };
}

/** Errors after which a batch can simply be sent again: a deadlock, a serialization failure, a concurrent writer of the same case. */
function retryable(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === "40001" || code === "40P01" || /retry the batch/.test(message ?? "");
}

/** One batch in one transaction, through the store behind POST /api/v1/ingest; sent again (up to 3 times) when that is the remedy. */
async function storeBatch(project: ProjectContext, records: IngestRecord[]): Promise<RecordResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction((db) => storeRecords(db, project, records));
    } catch (error) {
      if (attempt >= 3 || !retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** The import pass: parse, validate, store in batches. */
async function importFile(info: FileInfo, project: ProjectContext, options: { report: LineReport; progress: Progress; batchSize: number; concurrency: number }): Promise<ImportSummary> {
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, invalid: 0, refused: 0, blank: 0, unknownPredictions: new Map(), failure: null };
  /** Runs known to exist in the database (a batch using only these can run beside others). */
  const committedRuns = new Set((await loadRuns(project.id)).keys());
  const inFlight = new Map<Promise<void>, Batch>();
  let handled = 0;
  let bytesDone = 0;

  const onResults = (batch: Batch, results: RecordResult[]) => {
    for (const result of results) {
      if (result.status === "rejected") {
        summary.refused += 1;
        const error = result.error ?? { path: [], message: "rejected" };
        options.report.add([{ line: batch.lines[result.index]!, path: formatPath(error.path), message: error.message }]);
      } else {
        summary[result.status] += 1;
        for (const { predictedIntent } of result.warnings ?? []) {
          summary.unknownPredictions.set(predictedIntent, (summary.unknownPredictions.get(predictedIntent) ?? 0) + 1);
        }
        // Stored, so its runs exist now.
        for (const completion of batch.records[result.index]!.completions) committedRuns.add(completion.run);
      }
    }
    handled += results.length;
    bytesDone = Math.max(bytesDone, batch.end);
    options.progress.update({ records: handled, bytes: bytesDone });
  };

  const drain = async () => {
    await Promise.all(inFlight.keys());
  };

  const flush = async (batch: Batch) => {
    if (batch.records.length === 0) return;
    // A run not yet known to exist is created by this batch: let the batches before it finish
    // first, so the run's first use in the file decides its model, as when sending in order.
    if ([...batch.runs].some((run) => !committedRuns.has(run))) await drain();
    if (summary.failure) return;
    const task: Promise<void> = storeBatch(project, batch.records)
      .then(
        (results) => onResults(batch, results),
        (error: unknown) => {
          const message = `lines ${batch.lines[0]}-${batch.lines.at(-1)}: batch not stored: ${(error as Error).message}`;
          summary.failure ??= message;
        },
      )
      .finally(() => inFlight.delete(task));
    inFlight.set(task, batch);
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight.keys());
  };

  let batch = newBatch();
  for await (const parsed of openLines(info.file)) {
    if (parsed.kind === "blank") {
      summary.blank += 1;
      continue;
    }
    if (parsed.kind === "invalid") {
      summary.invalid += 1;
      handled += 1;
      options.report.add(parsed.errors);
      continue;
    }
    const { record } = parsed;
    // The same case again: store what came before first, so the later line wins.
    if (batch.caseIds.has(record.case.id)) {
      await flush(batch);
      batch = newBatch();
    }
    if ([...inFlight.values()].some((other) => other.caseIds.has(record.case.id))) await drain();
    batch.records.push(record);
    batch.lines.push(parsed.line);
    batch.caseIds.add(record.case.id);
    for (const completion of record.completions) batch.runs.add(completion.run);
    batch.end = parsed.end;
    if (batch.records.length >= options.batchSize) {
      await flush(batch);
      batch = newBatch();
    }
    if (summary.failure) break;
  }
  if (!summary.failure) await flush(batch);
  await drain();
  options.progress.update({ records: handled, bytes: summary.failure ? bytesDone : info.size });
  return summary;
}

function rate(count: number, seconds: number): string {
  return `${formatCount(seconds > 0 ? count / seconds : 0)} records/s`;
}

function took(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${formatDuration(seconds)} (${seconds.toFixed(0)} s)`;
}

const HELP = `${USAGE}

Streams FILE.jsonl (one record per line, the POST /api/v1/ingest record format) into a project.
Each bad line is reported as "line N: <path>: <message>"; the good lines are stored, and the
command exits 1 if any line was bad. Importing the same file again changes nothing.

  --project P        the project (created beforehand with \`project create P\` and given its
                     taxonomy with \`intents import\`); may be left out only when exactly one
                     project exists
  --strict           validate the whole file first, including unknown intents and runs named
                     with another model; import nothing if any line is bad
  --dry-run          validate only (the same checks as --strict), write nothing
  --batch-size N     records per transaction (default 1000)
  --concurrency N    batches stored at the same time (default 2)

Blank lines are skipped, a UTF-8 byte order mark and CRLF line ends are accepted, lines over
${DEFAULT_MAX_LINE_BYTES / (1024 * 1024)} MiB are rejected unread. A case id repeated in the file is stored as if the
lines were sent one after the other: the later line wins.`;

export async function importCommand(args: string[]): Promise<void> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(HELP);
    return;
  }
  const { values, positionals } = parseOptions(
    args,
    { project: { type: "string" }, "dry-run": { type: "boolean" }, strict: { type: "boolean" }, "batch-size": { type: "string" }, concurrency: { type: "string" } },
    schema,
  );
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const info = await fileInfo(path.resolve(positionals[0]!));
  const shown = positionals[0]!;

  await withDatabase(async () => {
    const project = await resolveProject(values.project, (line) => console.error(line));
    if (project.intents.size === 0) {
      throw new UsageError(`project '${project.name}' has no intents yet, so every record would be refused: import its taxonomy first with \`npm run ib -- intents import FILE --project ${project.name}\``);
    }
    const started = Date.now();
    const mode = values["dry-run"] ? "dry run" : values.strict ? "strict import" : "import";

    if (values["dry-run"] || values.strict) {
      const progress = new Progress({ label: "validating", totalBytes: info.size });
      const report = new LineReport((line) => progress.log(line));
      const checked = await checkFile(info, project, { report, progress, countExisting: values["dry-run"], batchSize: values["batch-size"] });
      report.finish();
      progress.done();
      const seconds = (Date.now() - started) / 1000;
      if (values["dry-run"]) {
        console.log(`dry run of ${shown} against project '${project.name}': nothing written`);
        console.log(`  valid records: ${formatCount(checked.records)} (${formatCount(checked.records - checked.existingCases)} for cases not stored yet, ${formatCount(checked.existingCases)} for cases already stored: updated or unchanged on import)`);
        console.log(`  bad lines: ${formatCount(checked.badLines)}${checked.badLines > 0 ? " (listed above; they would be rejected)" : ""}`);
        if (checked.blank > 0) console.log(`  blank lines skipped: ${formatCount(checked.blank)}`);
        const runs = [...checked.newRuns].map(([name, { model }]) => `${name} (${model})`);
        console.log(`  runs to create: ${runs.length === 0 ? "none" : runs.join(", ")}`);
        console.log(`  checked ${formatBytes(info.size)} in ${took(seconds)} (${rate(checked.records + checked.badLines, seconds)})`);
        if (checked.badLines > 0) process.exitCode = 1;
        return;
      }
      if (checked.badLines > 0) {
        console.log(`strict import of ${shown}: ${formatCount(checked.badLines)} bad ${checked.badLines === 1 ? "line" : "lines"} (listed above): nothing imported`);
        process.exitCode = 1;
        return;
      }
      const now = await fileInfo(info.file);
      if (now.size !== info.size || now.mtimeMs !== info.mtimeMs) throw new UsageError(`${shown} changed while it was being validated: nothing imported; run the import again`);
      console.error(`validated ${formatCount(checked.records)} records in ${took(seconds)}: importing`);
    }

    const progress = new Progress({ label: "importing", totalBytes: info.size });
    const report = new LineReport((line) => progress.log(line));
    const result = await importFile(info, project, { report, progress, batchSize: values["batch-size"], concurrency: values.concurrency });
    report.finish();
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    const stored = result.created + result.updated + result.unchanged;
    const rejected = result.invalid + result.refused;
    if (result.failure) console.error(`ib: ${result.failure}`);
    console.log(`${mode} of ${shown} into project '${project.name}'${result.failure ? " stopped early" : ""}`);
    console.log(`  created ${formatCount(result.created)}, updated ${formatCount(result.updated)}, unchanged ${formatCount(result.unchanged)}, rejected ${formatCount(rejected)} (${formatCount(result.invalid)} invalid, ${formatCount(result.refused)} refused by the store)`);
    if (result.blank > 0) console.log(`  blank lines skipped: ${formatCount(result.blank)}`);
    if (result.unknownPredictions.size > 0) {
      const counts = [...result.unknownPredictions].sort((a, b) => b[1] - a[1]);
      const total = counts.reduce((sum, [, n]) => sum + n, 0);
      const shownIntents = counts.slice(0, 10).map(([intent, n]) => `'${intent}' ${formatCount(n)}`).join(", ");
      console.log(`  predicted intents not in the taxonomy (graded wrong, flagged): ${formatCount(total)} completions: ${shownIntents}${counts.length > 10 ? `, and ${counts.length - 10} more` : ""}`);
    }
    console.log(`  ${formatBytes(info.size)} in ${took(seconds)} (${rate(stored + rejected, seconds)}, ${formatBytes(seconds > 0 ? info.size / seconds : 0)}/s)`);
    if (result.failure) {
      console.log("  batches stored before the failure are committed, each whole; importing the file again is safe (stored records come back unchanged)");
    }
    if (rejected > 0 || result.failure) process.exitCode = 1;
  });
}
