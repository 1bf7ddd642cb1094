import { withTransaction } from "../db/pool";
import type { ProjectContext } from "../projects";
import type { IngestRecord } from "../validations/record";
import { storeRecords, type RecordResult } from "./store";

const YIELD_EVERY = 64;

export interface BulkProgress {
  records: number;
  rejected: number;
}

/**
 * Streams records into the store in batches, a few transactions at a time.
 * Memory stays bounded by batchSize x concurrency whatever the source size.
 */
export async function storeStream(
  project: ProjectContext,
  source: Iterable<IngestRecord> | AsyncIterable<IngestRecord>,
  options: { batchSize?: number; concurrency?: number; onBatch?: (results: RecordResult[], progress: BulkProgress) => void } = {},
): Promise<BulkProgress> {
  const batchSize = options.batchSize ?? 1000;
  const concurrency = options.concurrency ?? 2;
  const progress: BulkProgress = { records: 0, rejected: 0 };
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;

  const flush = (batch: IngestRecord[]) => {
    const task = withTransaction((db) => storeRecords(db, project, batch))
      .then((results) => {
        progress.records += results.length;
        progress.rejected += results.filter((result) => result.status === "rejected").length;
        options.onBatch?.(results, progress);
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  let batch: IngestRecord[] = [];
  let sinceYield = 0;
  for await (const record of source) {
    batch.push(record);
    // A synchronous source (a generator) would otherwise hold the event loop until the batch is
    // full, stalling the batches in flight between their statements: let their I/O run now and then.
    if (++sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (batch.length >= batchSize) {
      flush(batch);
      batch = [];
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (failure) break;
    }
  }
  if (batch.length > 0 && !failure) flush(batch);
  await Promise.all(inFlight);
  if (failure) throw failure;
  return progress;
}
