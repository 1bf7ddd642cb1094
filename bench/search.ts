/**
 * Benchmark "search": the completion filter `q` on the project the load
 * benchmark left (N cases x 3 runs), once the search indexer has caught up
 * (its time is reported, not counted in load). For a common word, a rare word
 * and a word that matches nothing: the first page of 50 in id order as GET
 * /api/v1/completions asks for it, and the exact match count of the table
 * page (countCompletions). The baseline is the same query reading every
 * completion directly (the filter before the search index), timed fewer
 * times; both must return the same rows and counts.
 */
import { pool } from "../lib/db/pool";
import { countCompletions, listCompletions } from "../lib/query/completions";
import { catchUpSearchIndex } from "../lib/search/indexer";
import { containsPattern } from "../lib/search/match";
import type { BenchResult } from "./report";

type Log = (line: string) => void;

const TARGET_MS = 300;
const PAGE = 50;

/** Words of the demo data: in most customer messages or replies, in a handful of cases (an order number), in none. */
const WORDS = [
  { kind: "common", text: "order" },
  { kind: "rare", text: "C74731" },
  { kind: "no match", text: "xylophone" },
] as const;

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

async function time<T>(iterations: number, run: () => Promise<T>): Promise<{ median: number; p95: number; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    last = await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95), last };
}

/** The filter as it read before the search index: every completion's text and its case's user messages. */
async function directPage(projectId: number, text: string): Promise<string[]> {
  const { rows } = await pool().query<{ key: string }>(
    `SELECT (SELECT k.external_id FROM cases k WHERE k.project_id = c.project_id AND k.id = c.case_id) || '/' || (SELECT r.name FROM runs r WHERE r.project_id = c.project_id AND r.id = c.run_id) AS key
       FROM completions c WHERE c.project_id = $1 AND (c.text ILIKE $2 OR EXISTS (
       SELECT 1 FROM cases k, jsonb_array_elements(k.messages) AS m(message)
        WHERE k.project_id = c.project_id AND k.id = c.case_id AND m.message->>'role' = 'user' AND m.message->>'content' ILIKE $2))
      ORDER BY c.id LIMIT ${PAGE}`,
    [projectId, containsPattern(text)],
  );
  return rows.map((row) => row.key);
}

async function directCount(projectId: number, text: string): Promise<number> {
  const { rows } = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM completions c WHERE c.project_id = $1 AND (c.text ILIKE $2 OR EXISTS (
       SELECT 1 FROM cases k, jsonb_array_elements(k.messages) AS m(message)
        WHERE k.project_id = c.project_id AND k.id = c.case_id AND m.message->>'role' = 'user' AND m.message->>'content' ILIKE $2))`,
    [projectId, containsPattern(text)],
  );
  return rows[0]!.n;
}

export async function runSearchBenchmark(options: { projectId: number; cases: number; log: Log }): Promise<{ results: BenchResult[]; notes: string[] }> {
  const { projectId, cases, log } = options;
  log("search: indexing the loaded completions (background step, untimed in load)");
  const started = performance.now();
  const pass = await catchUpSearchIndex();
  const indexSeconds = (performance.now() - started) / 1000;
  await pool().query("ANALYZE completion_search");
  log(`  indexed ${pass.documents.toLocaleString("en")} documents in ${indexSeconds.toFixed(1)} s; ${pass.pending} pending`);

  const iterations = 20;
  // The direct read scans every completion for a rare word: once at full size.
  const baselineIterations = cases >= 200_000 ? 1 : 5;
  const results: BenchResult[] = [];
  const notes: string[] = [];
  const page = (q: string) => listCompletions(pool(), projectId, { filter: { q }, limit: PAGE, sort: "id", after: null });
  for (const word of WORDS) {
    await page(word.text); // warm-up
    const ours = await time(iterations, () => page(word.text));
    const count = await time(iterations, () => countCompletions(pool(), projectId, { q: word.text }));
    const direct = await time(baselineIterations, () => directPage(projectId, word.text));
    const directN = await time(baselineIterations, () => directCount(projectId, word.text));
    if (count.last !== directN.last) throw new Error(`search exactness check failed: '${word.text}' counts ${count.last}, read directly ${directN.last}`);
    const keys = ours.last.items.map((item) => `${item.caseId}/${item.run}`).join(",");
    if (keys !== direct.last.join(",")) throw new Error(`search exactness check failed: '${word.text}' first page differs from the direct read`);
    log(`  ${word.kind} '${word.text}': page median ${ours.median.toFixed(1)} ms p95 ${ours.p95.toFixed(1)} ms; count ${count.last.toLocaleString("en")} median ${count.median.toFixed(1)} ms p95 ${count.p95.toFixed(1)} ms; direct page p95 ${direct.p95.toFixed(0)} ms, count p95 ${directN.p95.toFixed(0)} ms`);
    results.push(
      { name: `search ${word.kind} page p95`, unit: "ms (first 50 by id)", ours: ours.p95, baseline: direct.p95, ratio: direct.p95 / ours.p95, target: `ours < ${TARGET_MS} ms`, met: ours.p95 < TARGET_MS },
      { name: `search ${word.kind} count p95`, unit: "ms (exact count)", ours: count.p95, baseline: directN.p95, ratio: directN.p95 / count.p95, target: word.kind === "common" ? "report" : `ours < ${TARGET_MS} ms`, met: word.kind === "common" || count.p95 < TARGET_MS },
    );
    notes.push(`search: ${word.kind} '${word.text}' matches ${count.last.toLocaleString("en")} completions; first page median ${ours.median.toFixed(1)} ms, count median ${count.median.toFixed(1)} ms (${iterations} requests each, after one warm-up); baseline (every completion read directly) page median ${direct.median.toFixed(0)} ms, count median ${directN.median.toFixed(0)} ms (${baselineIterations} requests).`);
  }
  notes.push(`search: the indexer wrote ${pass.documents.toLocaleString("en")} documents in ${indexSeconds.toFixed(1)} s after the load (${Math.round(pass.documents / indexSeconds).toLocaleString("en")} documents/s), outside the load's transactions; results of both sides checked equal.`);
  return { results, notes };
}
