/**
 * The checks a record must pass before it is stored, written once: the store
 * makes them on each batch, and `ib import --strict`/`--dry-run` make them
 * ahead over a whole file without writing. A record is refused when its
 * expected intent is not in the taxonomy, or when it names a run with another
 * model than the run already has (stored, or set by an earlier use).
 */
import type { ProjectContext } from "../projects";
import type { IngestRecord } from "../validations/record";
import type { RecordIssue } from "./store";

/** A run's model as known so far, and where it was set, for the message: "exists with", "is used earlier in this batch with". */
export interface KnownRun {
  model: string;
  where: string;
}

export const STORED_RUN = "exists with";

export function unknownIntentIssue(project: ProjectContext, record: IngestRecord): RecordIssue | null {
  if (project.intents.has(record.case.expectedIntent)) return null;
  return { path: ["case", "expectedIntent"], message: `unknown intent '${record.case.expectedIntent}': add it to the taxonomy first` };
}

export function runModelIssue(record: IngestRecord, runs: ReadonlyMap<string, KnownRun>): RecordIssue | null {
  for (const [index, completion] of record.completions.entries()) {
    const known = runs.get(completion.run);
    if (known && known.model !== completion.model) {
      return { path: ["completions", index, "model"], message: `run '${completion.run}' ${known.where} model '${known.model}', not '${completion.model}'` };
    }
  }
  return null;
}

/** Notes the runs the record uses for the first time, set `where`; returns their names. */
export function noteNewRuns(record: IngestRecord, runs: Map<string, KnownRun>, where: string): string[] {
  const added: string[] = [];
  for (const completion of record.completions) {
    if (runs.has(completion.run)) continue;
    runs.set(completion.run, { model: completion.model, where });
    added.push(completion.run);
  }
  return added;
}

/**
 * The store's checks over a stream of records in order, without writing: a
 * run first used in the stream keeps the model of that first use.
 */
export class RecordCheck {
  private readonly runs: Map<string, KnownRun>;
  /** Runs first used in the stream: name -> model and line. */
  readonly newRuns = new Map<string, { model: string; line: number }>();

  constructor(
    private readonly project: ProjectContext,
    storedRuns: ReadonlyMap<string, string>,
  ) {
    this.runs = new Map([...storedRuns].map(([name, model]) => [name, { model, where: STORED_RUN }]));
  }

  check(record: IngestRecord, line: number): RecordIssue | null {
    const problem = unknownIntentIssue(this.project, record) ?? runModelIssue(record, this.runs);
    if (problem) return problem;
    for (const name of noteNewRuns(record, this.runs, `is first used on line ${line} with`)) this.newRuns.set(name, { model: this.runs.get(name)!.model, line });
    return null;
  }
}
