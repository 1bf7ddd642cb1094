/**
 * Streams records into the store in batches, a few transactions at a time:
 * the one batch scheduler behind `ib import`, the demo loader and the
 * benchmarks. Memory stays bounded by batch size x concurrency whatever the
 * source size.
 *
 * Records are stored as if sent one by one, in order: a case that appears
 * again is stored again after what came before (the later one wins), and a
 * batch that uses a run not known to exist yet waits for the batches before
 * it, so the run's first use decides its model. Each batch is one transaction,
 * run again on a conflict with a concurrent writer; a batch that still fails
 * stops the stream.
 */
import PQueue from "p-queue";
import { withTransaction } from "../db/pool";
import { retryConflicts } from "../db/retry";
import type { ProjectContext } from "../projects";
import type { IngestRecord } from "../validations/record";
import { storeRecords, type RecordResult } from "./store";

const YIELD_EVERY = 64;

/** One batch in one transaction through the store, sent again when a concurrent writer got in the way. */
function storeBatch(project: ProjectContext, records: readonly IngestRecord[]): Promise<RecordResult[]> {
  return retryConflicts(() => withTransaction((db) => storeRecords(db, project, records)));
}

/** A batch that could not be stored at all (the database failed, say): the batches before it are committed, each whole. */
export class BatchNotStoredError<T> extends Error {
  override name = "BatchNotStoredError";

  constructor(
    /** The items of the batch, as the source gave them. */
    readonly items: readonly T[],
    cause: unknown,
  ) {
    super(`batch not stored: ${(cause as Error).message}`, { cause });
  }
}

export interface StreamOptions<T> {
  batchSize?: number;
  /** Batches stored at the same time, each in its own transaction and connection. */
  concurrency?: number;
  /** Called once per stored batch, in the order batches finish. */
  onBatch?: (items: readonly T[], results: RecordResult[]) => void;
}

interface Batch<T> {
  items: T[];
  records: IngestRecord[];
  caseIds: Set<string>;
  runs: Set<string>;
}

function newBatch<T>(): Batch<T> {
  return { items: [], records: [], caseIds: new Set(), runs: new Set() };
}

/**
 * Stores the record of each item of `source` (`recordOf` finds it; the item
 * may carry more, such as a line number, and comes back with its result).
 * Throws BatchNotStoredError after the batches in flight have finished.
 */
export async function storeItems<T>(
  project: ProjectContext,
  source: Iterable<T> | AsyncIterable<T>,
  recordOf: (item: T) => IngestRecord,
  options: StreamOptions<T> = {},
): Promise<void> {
  const batchSize = options.batchSize ?? 1000;
  const queue = new PQueue({ concurrency: options.concurrency ?? 2 });
  const inFlight = new Set<Batch<T>>();
  /** Runs known to exist (a batch using only these can be stored beside others). */
  const committedRuns = new Set<string>();
  let failure: BatchNotStoredError<T> | null = null;

  const store = async (batch: Batch<T>) => {
    try {
      const results = await storeBatch(project, batch.records);
      for (const result of results) {
        if (result.status !== "rejected") for (const completion of batch.records[result.index]!.completions) committedRuns.add(completion.run);
      }
      options.onBatch?.(batch.items, results);
    } catch (error) {
      failure ??= new BatchNotStoredError(batch.items, error);
    } finally {
      inFlight.delete(batch);
    }
  };

  const flush = async (batch: Batch<T>) => {
    if (batch.records.length === 0) return;
    if ([...batch.runs].some((run) => !committedRuns.has(run))) await queue.onIdle();
    if (failure) return;
    inFlight.add(batch);
    void queue.add(() => store(batch));
    // Read on while a worker is free: at most `concurrency` batches in memory, the one being filled
    // included. (Reading a batch further ahead measured no faster on 2 cores, and about 20 MB more.)
    while (queue.size + queue.pending >= queue.concurrency) await new Promise<void>((resolve) => queue.once("next", () => resolve()));
  };

  let batch = newBatch<T>();
  let sinceYield = 0;
  for await (const item of source) {
    const record = recordOf(item);
    // The same case again: store what came before first, so the later one wins.
    if (batch.caseIds.has(record.case.id)) {
      await flush(batch);
      batch = newBatch();
    }
    for (const other of inFlight) {
      if (other.caseIds.has(record.case.id)) {
        await queue.onIdle();
        break;
      }
    }
    if (failure) break;
    batch.items.push(item);
    batch.records.push(record);
    batch.caseIds.add(record.case.id);
    for (const completion of record.completions) batch.runs.add(completion.run);
    if (batch.records.length >= batchSize) {
      await flush(batch);
      batch = newBatch();
    }
    // A synchronous source (a generator) would otherwise hold the event loop until the batch is
    // full, stalling the batches in flight between their statements: let their I/O run now and then.
    if (++sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  if (!failure) await flush(batch);
  await queue.onIdle();
  if (failure) throw failure;
}

export interface BulkProgress {
  records: number;
  rejected: number;
}

/** Stores a stream of plain records (the demo loader, the benchmarks); throws the first batch failure. */
export async function storeStream(
  project: ProjectContext,
  source: Iterable<IngestRecord> | AsyncIterable<IngestRecord>,
  options: { batchSize?: number; concurrency?: number; onBatch?: (results: RecordResult[], progress: BulkProgress) => void } = {},
): Promise<BulkProgress> {
  const progress: BulkProgress = { records: 0, rejected: 0 };
  await storeItems(project, source, (record) => record, {
    ...options,
    onBatch: (_records, results) => {
      progress.records += results.length;
      progress.rejected += results.filter((result) => result.status === "rejected").length;
      options.onBatch?.(results, progress);
    },
  });
  return progress;
}
