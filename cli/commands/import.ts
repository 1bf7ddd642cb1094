/**
 * `ib import FILE.jsonl`: streams a JSONL file of ingest records (the record
 * format of POST /api/v1/ingest, one per line) into a project, in constant
 * memory. The work is lib/ingest/import.ts (validation with `recordSchema`,
 * the store's checks, batches through the one scheduler, retries); this file
 * parses the arguments and prints: each bad line as `line N: <path>: <message>`,
 * then a summary.
 *
 * --strict validates the whole file first (schema, taxonomy, run/model
 * consistency) and imports nothing if any line is bad. --dry-run does that
 * validation only and writes nothing.
 */
import { createReadStream } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { checkLines, importLines } from "../../lib/ingest/import";
import { DEFAULT_MAX_LINE_BYTES, readRecords } from "../../lib/ingest/jsonl";
import type { ProjectContext } from "../../lib/projects";
import { parseOptions, UsageError } from "../args";
import { fileInfo, type FileInfo } from "../files";
import { LineReport } from "../line-report";
import { resolveProject } from "../project-option";
import { formatBytes, formatCount, formatDuration, Progress } from "../progress";
import { projectNameSchema, withDatabase } from "./project";

const USAGE = "usage: import FILE.jsonl [--project P] [--dry-run] [--strict] [--batch-size N] [--concurrency N]";

const schema = z.object({
  project: projectNameSchema.optional(),
  "dry-run": z.boolean().default(false),
  strict: z.boolean().default(false),
  "batch-size": z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(1).max(10_000).default(1000),
  /** Batches stored at the same time, each in its own transaction and connection. */
  concurrency: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(1).max(8).default(2),
});
type Options = z.output<typeof schema>;

function openLines(file: string) {
  return readRecords(createReadStream(file, { highWaterMark: 256 * 1024 }), { maxLineBytes: DEFAULT_MAX_LINE_BYTES });
}

/** Runs one pass over the file with a progress bar and a report of bad lines. */
async function withProgress<T>(label: string, info: FileInfo, pass: (report: LineReport, progress: Progress) => Promise<T>): Promise<T> {
  const progress = new Progress({ label, totalBytes: info.size });
  const report = new LineReport((line) => progress.log(line));
  try {
    const result = await pass(report, progress);
    report.finish();
    return result;
  } finally {
    progress.done();
  }
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
    if ((values["dry-run"] || values.strict) && !(await validate(info, shown, project, values, started))) return;
    await store(info, shown, project, values, started);
  });
}

/** The validation pass of --strict and --dry-run; true when the import should go on. */
async function validate(info: FileInfo, shown: string, project: ProjectContext, values: Options, started: number): Promise<boolean> {
  const checked = await withProgress("validating", info, (report, progress) =>
    checkLines(project, openLines(info.file), { onBadLine: (errors) => report.add(errors), onProgress: (state) => progress.update(state), countExisting: values["dry-run"], batchSize: values["batch-size"] }),
  );
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
    return false;
  }
  if (checked.badLines > 0) {
    console.log(`strict import of ${shown}: ${formatCount(checked.badLines)} bad ${checked.badLines === 1 ? "line" : "lines"} (listed above): nothing imported`);
    process.exitCode = 1;
    return false;
  }
  const now = await fileInfo(info.file);
  if (now.size !== info.size || now.mtimeMs !== info.mtimeMs) throw new UsageError(`${shown} changed while it was being validated: nothing imported; run the import again`);
  console.error(`validated ${formatCount(checked.records)} records in ${took(seconds)}: importing`);
  return true;
}

async function store(info: FileInfo, shown: string, project: ProjectContext, values: Options, started: number): Promise<void> {
  const result = await withProgress("importing", info, (report, progress) =>
    importLines(project, openLines(info.file), { onBadLine: (errors) => report.add(errors), onProgress: (state) => progress.update(state), batchSize: values["batch-size"], concurrency: values.concurrency }),
  );
  const seconds = (Date.now() - started) / 1000;
  const stored = result.created + result.updated + result.unchanged;
  const rejected = result.invalid + result.refused;
  const mode = values.strict ? "strict import" : "import";
  if (result.failure) console.error(`ib: ${result.failure}`);
  console.log(`${mode} of ${shown} into project '${project.name}'${result.failure ? " stopped early" : ""}`);
  console.log(`  created ${formatCount(result.created)}, updated ${formatCount(result.updated)}, unchanged ${formatCount(result.unchanged)}, rejected ${formatCount(rejected)} (${formatCount(result.invalid)} invalid, ${formatCount(result.refused)} refused by the store)`);
  if (result.blank > 0) console.log(`  blank lines skipped: ${formatCount(result.blank)}`);
  if (result.unknownPredictions.size > 0) {
    const counts = [...result.unknownPredictions].sort((a, b) => b[1] - a[1]);
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    const intents = counts.slice(0, 10).map(([intent, n]) => `'${intent}' ${formatCount(n)}`).join(", ");
    console.log(`  predicted intents not in the taxonomy (graded wrong, flagged): ${formatCount(total)} completions: ${intents}${counts.length > 10 ? `, and ${counts.length - 10} more` : ""}`);
  }
  console.log(`  ${formatBytes(info.size)} in ${took(seconds)} (${rate(stored + rejected, seconds)}, ${formatBytes(seconds > 0 ? info.size / seconds : 0)}/s)`);
  if (result.failure) {
    console.log("  batches stored before the failure are committed, each whole; importing the file again is safe (stored records come back unchanged)");
  }
  if (rejected > 0 || result.failure) process.exitCode = 1;
}
