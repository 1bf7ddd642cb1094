/**
 * Benchmark "feedback": POST /api/v1/feedback/intent of the production server
 * (scripts/serve.ts; the API key read from PostgreSQL by a query shared by the requests in flight,
 * admission control, strict JSON, zod, the grader) against a bare Node `http`
 * server running the same grader with no framework and no key (the ceiling):
 * requests/s and p99 latency under the same closed-loop load. And the batch
 * form's throughput in items/s.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_RUNS, generateDemoRecords } from "../../lib/demo/generate";
import { createApiKey } from "../../lib/api/keys";
import { closePool, pool } from "../../lib/db/pool";
import type { BenchResult } from "../report";
import { closedLoopFor, percentile, startNextServer, startScriptServer, type LoadResult, type Log, type Sent } from "./common";
import { createBenchProject } from "../project";
import type { HttpBenchOutcome } from "./ingest";

export interface FeedbackBenchOptions {
  /** Seconds measured per side and round (after a warm-up of a quarter of that); default 8. */
  seconds?: number;
  /** Concurrent keep-alive connections for the single form; default 8. */
  connections?: number;
  /** Items per batch request; default 1,000. */
  batchItems?: number;
  /** Rounds (alternating sides, best of each kept, against machine noise); default 2. */
  rounds?: number;
  databaseUrl?: string;
  log?: Log;
}

const TARGET_RATIO = 0.5;
const TARGET_BATCH_ITEMS = 20_000;
const BARE_SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), "bare-feedback-server.ts");

export async function benchFeedback(options: FeedbackBenchOptions = {}): Promise<HttpBenchOutcome> {
  const log = options.log ?? (() => undefined);
  const seconds = options.seconds ?? 8;
  const connections = options.connections ?? 8;
  const batchItems = options.batchItems ?? 1000;
  const rounds = options.rounds ?? 2;
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("benchFeedback needs a database: pass databaseUrl or set DATABASE_URL");
  if (process.env.DATABASE_URL !== databaseUrl) {
    await closePool();
    process.env.DATABASE_URL = databaseUrl;
  }

  // Realistic completions (every verdict and several format errors) from the demo generator.
  const items = [...generateDemoRecords({ cases: 2000, seed: 11 })].flatMap((record) => record.completions.map((c) => ({ completion: c.text, expectedIntent: record.case.expectedIntent })));
  const singles = items.map((item) => Buffer.from(JSON.stringify(item)));
  const batches = Array.from({ length: Math.ceil(items.length / batchItems) }, (_, i) => {
    const slice = items.slice((i * batchItems) % items.length, ((i * batchItems) % items.length) + batchItems);
    while (slice.length < batchItems) slice.push(...items.slice(0, batchItems - slice.length));
    return Buffer.from(JSON.stringify({ items: slice }));
  });

  const project = await createBenchProject("bench-feedback");
  const key = (await createApiKey(project.id, "bench", "ingest")).secret;
  const auth = { authorization: `Bearer ${key}` };
  const app = await startNextServer(databaseUrl, log);
  const bare = await startScriptServer(BARE_SERVER, "/health");
  try {
    // Same answers from both (the bare server is a fair ceiling: it does the same grading).
    for (let i = 0; i < 50; i++) {
      const [a, b] = await Promise.all([
        fetch(`${app.baseUrl}/api/v1/feedback/intent`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: singles[i * 7]! }).then((r) => r.text()),
        fetch(`${bare.baseUrl}/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: singles[i * 7]! }).then((r) => r.text()),
      ]);
      if (a !== b) throw new Error(`feedback answers differ: app ${a} vs bare ${b}`);
    }

    const ok = (sent: Sent) => {
      if (sent.status !== 200) throw new Error(`feedback answered ${sent.status}: ${sent.body.toString().slice(0, 300)}`);
    };
    const best = (a: LoadResult | null, b: LoadResult) => (a === null || b.perSecond > a.perSecond ? b : a);
    let ours: LoadResult | null = null;
    let ceiling: LoadResult | null = null;
    let oursBatch: LoadResult | null = null;
    let ceilingBatch: LoadResult | null = null;
    const warmupSeconds = seconds / 4;
    for (let round = 1; round <= rounds; round++) {
      log(`feedback: round ${round}/${rounds}, ${connections} connections, ${seconds} s per side`);
      ceiling = best(ceiling, await closedLoopFor({ baseUrl: bare.baseUrl, path: "/feedback", connections, seconds, warmupSeconds, next: (i) => singles[i % singles.length]!, check: ok }));
      ours = best(ours, await closedLoopFor({ baseUrl: app.baseUrl, path: "/api/v1/feedback/intent", headers: auth, connections, seconds, warmupSeconds, next: (i) => singles[i % singles.length]!, check: ok }));
      ceilingBatch = best(ceilingBatch, await closedLoopFor({ baseUrl: bare.baseUrl, path: "/feedback/batch", connections: 2, seconds, warmupSeconds, next: (i) => batches[i % batches.length]!, check: ok }));
      oursBatch = best(oursBatch, await closedLoopFor({ baseUrl: app.baseUrl, path: "/api/v1/feedback/intent/batch", headers: auth, connections: 2, seconds, warmupSeconds, next: (i) => batches[i % batches.length]!, check: ok }));
      log(`  bare ${ceiling.perSecond.toFixed(0)} req/s, ours ${ours.perSecond.toFixed(0)} req/s; batch: bare ${(ceilingBatch.perSecond * batchItems).toFixed(0)} items/s, ours ${(oursBatch.perSecond * batchItems).toFixed(0)} items/s`);
    }
    ours = ours!;
    ceiling = ceiling!;
    oursBatch = oursBatch!;
    ceilingBatch = ceilingBatch!;

    const ratio = ours.perSecond / ceiling.perSecond;
    const oursP99 = percentile(ours.latencies, 99);
    const ceilingP99 = percentile(ceiling.latencies, 99);
    const oursItems = oursBatch.perSecond * batchItems;
    const ceilingItems = ceilingBatch.perSecond * batchItems;
    const results: BenchResult[] = [
      { name: "feedback", unit: "requests/s", ours: ours.perSecond, baseline: ceiling.perSecond, ratio, target: `>= ${TARGET_RATIO} x bare http`, met: ratio >= TARGET_RATIO },
      { name: "feedback p99", unit: "ms", ours: oursP99, baseline: ceilingP99, ratio: ceilingP99 / oursP99, target: "report", met: true },
      { name: "feedback batch", unit: "items/s", ours: oursItems, baseline: ceilingItems, ratio: oursItems / ceilingItems, target: `>= ${TARGET_BATCH_ITEMS.toLocaleString("en")} items/s`, met: oursItems >= TARGET_BATCH_ITEMS },
    ];
    return {
      results,
      notes: [
        `feedback: ${connections} keep-alive connections, closed loop, ${seconds} s per side after ${warmupSeconds} s warm-up, best of ${rounds} alternating rounds; ` +
          `${items.length.toLocaleString("en")} distinct demo completions (${DEMO_RUNS.length} runs, all verdicts). ` +
          `Ours ${ours.perSecond.toFixed(0)} req/s, p50 ${percentile(ours.latencies, 50).toFixed(2)} ms, p99 ${oursP99.toFixed(2)} ms; ` +
          `bare node http + the same grader ${ceiling.perSecond.toFixed(0)} req/s, p50 ${percentile(ceiling.latencies, 50).toFixed(2)} ms, p99 ${ceilingP99.toFixed(2)} ms. ` +
          "Ours also checks the API key on every request (read from PostgreSQL with its project's rewards and taxonomy version, one query shared by the requests in flight, so a revocation applies to the very next request), " +
          "admission control and zod validation, which the ceiling does not. Load generator, both servers and PostgreSQL share the machine's cores.",
        `feedback batch: ${batchItems.toLocaleString("en")} items per request, 2 connections: ours ${oursItems.toFixed(0)} items/s (p99 ${percentile(oursBatch.latencies, 99).toFixed(0)} ms per request), bare ${ceilingItems.toFixed(0)} items/s.`,
      ],
    };
  } finally {
    await Promise.all([app.stop(), bare.stop()]);
    await pool().query("DELETE FROM projects WHERE id = $1", [project.id]).catch(() => undefined);
  }
}
