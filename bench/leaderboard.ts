/**
 * Benchmark "leaderboard": one leaderboard request (every run's metrics and
 * per-intent breakdown) from the trigger-maintained aggregates, against the
 * straightforward GROUP BY over completions. Both must agree exactly.
 */
import { isDeepStrictEqual } from "node:util";
import { pool } from "../lib/db/pool";
import { leaderboard, leaderboardFromCompletions, type RunMetrics } from "../lib/metrics/queries";
import type { BenchResult } from "./report";

type Log = (line: string) => void;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

async function timeRequests(label: string, iterations: number, request: () => Promise<RunMetrics[]>, log: Log): Promise<{ median: number; p95: number; last: RunMetrics[] }> {
  let last: RunMetrics[] = [];
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    last = await request();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = quantile(times, 0.5);
  const p95 = quantile(times, 0.95);
  log(`  ${label}: ${iterations} requests, median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`);
  return { median, p95, last };
}

function firstDifference(a: unknown, b: unknown, where = "leaderboard"): string {
  if (isDeepStrictEqual(a, b)) return "";
  if (a && b && typeof a === "object" && typeof b === "object") {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${where}.${key}`);
      if (found) return found;
    }
  }
  return `${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

export async function runLeaderboardBenchmark(options: { projectId: number; cases: number; quick: boolean; log: Log }): Promise<{ results: BenchResult[]; notes: string[] }> {
  const { projectId, cases, log } = options;
  const db = pool();
  const oursIterations = 30;
  // The GROUP BY reads every completion: fewer rounds at full size.
  const baselineIterations = cases >= 200_000 ? 7 : 30;

  // Exactness first: the aggregates must say exactly what the completions say.
  const [fromAggregates, fromCompletions] = [await leaderboard(db, projectId), await leaderboardFromCompletions(db, projectId)];
  const difference = firstDifference(fromAggregates, fromCompletions);
  if (difference) throw new Error(`leaderboard exactness check failed: leaderboard() and leaderboardFromCompletions() differ at ${difference}`);
  if (fromAggregates.length === 0 || fromAggregates.some((run) => run.total !== cases)) {
    throw new Error(`leaderboard exactness check failed: expected every run to have ${cases} completions, got ${fromAggregates.map((run) => `${run.run}=${run.total}`).join(", ")}`);
  }
  log(`  exactness: leaderboard() equals leaderboardFromCompletions() (${fromAggregates.length} runs, ${fromAggregates[0]!.perIntent.length} intents)`);

  log("timing leaderboard requests (warm-up, then measured)");
  for (let i = 0; i < 3; i++) await leaderboard(db, projectId);
  for (let i = 0; i < 2; i++) await leaderboardFromCompletions(db, projectId);
  const ours = await timeRequests("leaderboard() from aggregates", oursIterations, () => leaderboard(db, projectId), log);
  const baseline = await timeRequests("leaderboardFromCompletions() GROUP BY", baselineIterations, () => leaderboardFromCompletions(db, projectId), log);
  for (const [label, result] of [["leaderboard()", ours.last], ["leaderboardFromCompletions()", baseline.last]] as const) {
    if (!isDeepStrictEqual(result, fromCompletions)) throw new Error(`leaderboard exactness check failed: ${label} changed between requests`);
  }

  const medianRatio = baseline.median / ours.median;
  const p95Ratio = baseline.p95 / ours.p95;
  return {
    results: [
      { name: "leaderboard median", unit: "ms/request", ours: ours.median, baseline: baseline.median, ratio: medianRatio, target: "baseline/ours >= 10, ours < 50 ms", met: medianRatio >= 10 && ours.median < 50 },
      { name: "leaderboard p95", unit: "ms/request", ours: ours.p95, baseline: baseline.p95, ratio: p95Ratio, target: "ours < 50 ms", met: ours.p95 < 50 },
    ],
    notes: [
      `leaderboard: ${oursIterations} requests of leaderboard() (run_intent_stats) and ${baselineIterations} of leaderboardFromCompletions() (GROUP BY over completions) after warm-up, sequential on one pool; ratio = baseline / ours; results identical (checked).`,
    ],
  };
}
