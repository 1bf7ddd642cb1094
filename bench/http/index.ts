/** The HTTP benchmarks, for bench/run.ts: each returns { results, notes } like the other benchmarks. */
export { benchHttpIngest, type HttpBenchOutcome, type HttpIngestOptions } from "./ingest";
export { benchFeedback, type FeedbackBenchOptions } from "./feedback";
