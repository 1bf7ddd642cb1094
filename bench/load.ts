/**
 * Benchmark "load": N demo cases x 3 runs through our bulk path (storeStream:
 * validation, grading, set-based merges, one transaction per batch) against a
 * plain COPY of exactly the same rows into the same tables.
 *
 * Each round: the COPY baseline goes first, into project "bench-copy" on empty
 * tables; its content is fingerprinted, the tables are truncated, and our path
 * then loads project "bench" on empty tables too, so both start alike. The
 * aggregate triggers stay enabled for both, as in production. The two
 * projects' fingerprints must be identical: the baseline wrote the same rows,
 * and our path stored what COPY did.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { DEMO_RUNS, generateDemoRecords } from "../lib/demo/generate";
import { pool } from "../lib/db/pool";
import { storeStream } from "../lib/ingest/stream";
import { planCompletions } from "../lib/ingest/store";
import type { ProjectContext } from "../lib/projects";
import { baselineEncoder, copyInOneTransaction } from "./baseline";
import { cpuMeter, describeCpu, type CpuTimes } from "./cpu";
import { createBenchProject, fingerprint } from "./project";
import type { BenchResult } from "./report";

export interface LoadOutcome {
  results: BenchResult[];
  notes: string[];
  /** The project storeStream loaded, left in place. */
  projectId: number;
  /** COPY's rate in cases (records) per second, for the import benchmark's baseline. */
  copyRecordsPerSecond: number;
}

type Log = (line: string) => void;

const RUNS = DEMO_RUNS.length;


/** Reserves `count` consecutive values of a serial column's sequence; returns the first. */
class Sink {
  private buffer: string[] = [];
  private size = 0;
  readonly stream: WriteStream;
  constructor(readonly file: string) {
    this.stream = createWriteStream(file);
  }
  push(line: string): void {
    this.buffer.push(line);
    this.size += line.length;
  }
  /** Writes the buffered lines out once they reach 1 MiB. */
  async flushIfFull(): Promise<void> {
    if (this.size >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join("");
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, "finish");
  }
}

interface CopyFiles {
  dir: string;
  cases: string;
  completions: string;
  verdicts: string;
  counts: { cases: number; completions: number; verdicts: number };
  timings: { generateMs: number; planMs: number; encodeMs: number };
}

/**
 * Precomputes the baseline's rows (untimed): the same generated records,
 * planned by the same code as the store (grades and policy verdicts), with
 * case and completion ids reserved from their sequences.
 */
async function prepareCopyFiles(project: ProjectContext, cases: number, seed: number | undefined, log: Log): Promise<CopyFiles> {
  const db = pool();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ib-bench-copy-"));
  const files = { cases: path.join(dir, "cases.copy"), completions: path.join(dir, "completions.copy"), verdicts: path.join(dir, "policy_verdicts.copy") };
  const encode = await baselineEncoder(db, project, cases);
  const sinks = { cases: new Sink(files.cases), completions: new Sink(files.completions), verdicts: new Sink(files.verdicts) };
  const counts = { cases: 0, completions: 0, verdicts: 0 };
  const timings = { generateMs: 0, planMs: 0, encodeMs: 0 };
  const taxonomy = new Set(project.intents.keys());
  const records = generateDemoRecords({ cases, seed });
  for (;;) {
    let t = performance.now();
    const next = records.next();
    timings.generateMs += performance.now() - t;
    if (next.done) break;
    const record = next.value;
    t = performance.now();
    const planned = planCompletions(project, record, taxonomy);
    timings.planMs += performance.now() - t;
    t = performance.now();
    const lines = encode(record, planned);
    sinks.cases.push(lines.case);
    for (const line of lines.completions) sinks.completions.push(line);
    for (const line of lines.verdicts) sinks.verdicts.push(line);
    counts.cases++;
    counts.completions += lines.completions.length;
    counts.verdicts += lines.verdicts.length;
    for (const sink of [sinks.cases, sinks.completions, sinks.verdicts]) await sink.flushIfFull();
    timings.encodeMs += performance.now() - t;
    if (counts.cases % 100_000 === 0) log(`  baseline rows prepared for ${counts.cases.toLocaleString("en")} cases`);
  }
  await Promise.all([sinks.cases.close(), sinks.completions.close(), sinks.verdicts.close()]);
  return { dir, ...files, counts, timings };
}

async function copyInto(db: pg.PoolClient, sql: string, file: string): Promise<number> {
  const stream = db.query(copyFrom(sql));
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), stream);
  return stream.rowCount;
}

/** The timed baseline: three COPY statements in one transaction. */
async function copyBaseline(files: CopyFiles, cluster: string | null): Promise<{ ms: number; cpu: CpuTimes }> {
  const client = await pool().connect();
  try {
    const cpu = cpuMeter(cluster);
    const start = performance.now();
    await copyInOneTransaction(client, (sql, table) => copyInto(client, sql, files[table]));
    return { ms: performance.now() - start, cpu: cpu() };
  } finally {
    client.release();
  }
}

async function checkpoint(): Promise<void> {
  // Starts each timed phase without the previous phase's dirty pages pending (needs superuser; skipped otherwise).
  await pool().query("CHECKPOINT").catch(() => undefined);
}

async function emptyTables(): Promise<void> {
  // The TRUNCATE trigger empties the aggregates too; runs and projects stay.
  await pool().query("TRUNCATE policy_verdicts, completions, cases CASCADE");
  await pool().query("VACUUM ANALYZE");
}

/** Ours: the bulk path over the generator, as the demo loader and the import CLI use it. */
async function timeStoreStream(project: ProjectContext, cases: number, seed: number | undefined, cluster: string | null, log: Log): Promise<{ ms: number; cpu: CpuTimes }> {
  const step = Math.max(Math.floor(cases / 10), 1);
  let reported = 0;
  const cpu = cpuMeter(cluster);
  const start = performance.now();
  const progress = await storeStream(project, generateDemoRecords({ cases, seed }), {
    onBatch: (_results, p) => {
      if (p.records - reported >= step) {
        reported = p.records;
        log(`    ${p.records.toLocaleString("en")} records stored (${((performance.now() - start) / 1000).toFixed(1)} s)`);
      }
    },
  });
  const ms = performance.now() - start;
  if (progress.records !== cases || progress.rejected !== 0) throw new Error(`storeStream stored ${progress.records} records with ${progress.rejected} rejected; expected ${cases} and 0`);
  return { ms, cpu: cpu() };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function sumCpu(times: readonly CpuTimes[]): CpuTimes {
  const total = (pick: (t: CpuTimes) => number | null) => (times.some((t) => pick(t) === null) ? null : times.reduce((sum, t) => sum + pick(t)!, 0));
  return { nodeMs: times.reduce((sum, t) => sum + t.nodeMs, 0), postgresMs: total((t) => t.postgresMs), otherMs: total((t) => t.otherMs) };
}

/**
 * Each round: COPY into empty tables, fingerprint, empty them, storeStream
 * into empty tables, fingerprint and compare. The last round's data stays for
 * the leaderboard benchmark. Figures are medians over the rounds.
 */
export async function runLoadBenchmark(options: { cases: number; rounds: number; seed?: number; cluster: string | null; log: Log }): Promise<LoadOutcome> {
  const { cases, rounds, seed, cluster, log } = options;
  const copyProject = await createBenchProject("bench-copy");
  const project = await createBenchProject("bench");
  log(`preparing the COPY baseline's rows for ${cases.toLocaleString("en")} cases x ${RUNS} runs (untimed)`);
  const files = await prepareCopyFiles(copyProject, cases, seed, log);
  const copy: { ms: number; cpu: CpuTimes }[] = [];
  const ours: { ms: number; cpu: CpuTimes }[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const label = rounds > 1 ? ` (round ${round} of ${rounds})` : "";
      await emptyTables();
      await checkpoint();
      log(`timing the COPY baseline${label}`);
      copy.push(await copyBaseline(files, cluster));
      log(`  COPY: ${(copy.at(-1)!.ms / 1000).toFixed(1)} s, CPU ${describeCpu(copy.at(-1)!.cpu)}`);
      const expected = await fingerprint(copyProject.id);

      await emptyTables();
      await checkpoint();
      log(`timing storeStream${label}`);
      ours.push(await timeStoreStream(project, cases, seed, cluster, log));
      log(`  storeStream: ${(ours.at(-1)!.ms / 1000).toFixed(1)} s, CPU ${describeCpu(ours.at(-1)!.cpu)}`);
      const actual = await fingerprint(project.id);
      for (const table of Object.keys(expected)) {
        if (actual[table] !== expected[table]) {
          throw new Error(`load exactness check failed: ${table} holds ${actual[table]} after storeStream but ${expected[table]} after COPY`);
        }
      }
      log("  exactness: the stored rows and aggregates are identical to the COPY baseline's");
    }
  } finally {
    await fs.rm(files.dir, { recursive: true, force: true });
  }
  await pool().query("VACUUM ANALYZE");

  const rows = files.counts.cases + files.counts.completions;
  const oursRate = median(ours.map((r) => rows / (r.ms / 1000)));
  const copyRate = median(copy.map((r) => rows / (r.ms / 1000)));
  const ratio = oursRate / copyRate;
  const results: BenchResult[] = [{ name: "load", unit: "rows/s (cases+completions)", ours: oursRate, baseline: copyRate, ratio, target: ">= 0.3 x COPY", met: ratio >= 0.3 }];
  const oursCpu = sumCpu(ours.map((r) => r.cpu));
  const copyCpu = sumCpu(copy.map((r) => r.cpu));
  if (oursCpu.postgresMs !== null && copyCpu.postgresMs !== null) {
    // Rows per CPU-second (node + PostgreSQL): what each side costs, whatever else runs on the machine.
    const oursPerCpu = (rows * rounds) / ((oursCpu.nodeMs + oursCpu.postgresMs) / 1000);
    const copyPerCpu = (rows * rounds) / ((copyCpu.nodeMs + copyCpu.postgresMs) / 1000);
    results.push({ name: "load per CPU-second", unit: "rows/CPU-s (node+PostgreSQL)", ours: oursPerCpu, baseline: copyPerCpu, ratio: oursPerCpu / copyPerCpu, target: "informational", met: true });
  }
  const seconds = (list: { ms: number }[]) => list.map((r) => (r.ms / 1000).toFixed(1)).join(", ");
  const notes = [
    `load: rows = cases + completions (${files.counts.cases.toLocaleString("en")} + ${files.counts.completions.toLocaleString("en")}); both sides also write the ${files.counts.verdicts.toLocaleString("en")} imported policy_verdicts rows, not counted. Aggregate triggers enabled for both; each load starts on empty tables after a CHECKPOINT.`,
    `load: ours = storeStream (default batch size and concurrency) over generateDemoRecords, generation of the records included: ${seconds(ours)} s; COPY = 3 COPY statements in one transaction from rows precomputed to files: ${seconds(copy)} s${rounds > 1 ? `; medians of ${rounds} rounds` : ""}.`,
    `load: CPU time: ours ${describeCpu(oursCpu)}; COPY ${describeCpu(copyCpu)}${rounds > 1 ? ", all rounds" : ""}. Node and PostgreSQL share the machine's cores; CPU used by other processes slows the wall times, hardly the CPU times.`,
    `load: node-side costs measured while preparing the baseline: generate ${rate(cases, files.timings.generateMs)} records/s, grade ${rate(cases, files.timings.planMs)} records/s, COPY encoding ${rate(cases, files.timings.encodeMs)} records/s.`,
    `load: exactness: cases, completions, policy_verdicts, run_intent_stats and run_confusion fingerprints identical after COPY and after storeStream${rounds > 1 ? ", every round" : ""}.`,
  ];
  return { results, notes, projectId: project.id, copyRecordsPerSecond: copyRate * (files.counts.cases / rows) };
}

function rate(count: number, ms: number): string {
  return Math.round(count / (ms / 1000)).toLocaleString("en");
}

/**
 * The data alone, for sections that only read it (`--only pages`): the same
 * rows through the COPY path (which the load benchmark proves identical to
 * storeStream's), untimed, into a project of its own.
 */
export async function loadBenchData(options: { cases: number; seed?: number; log: Log; prefix?: string }): Promise<{ projectId: number; project: ProjectContext }> {
  const project = await createBenchProject(options.prefix ?? "bench-data");
  options.log(`loading ${options.cases.toLocaleString("en")} cases x ${RUNS} runs by COPY (the data only, untimed)`);
  const files = await prepareCopyFiles(project, options.cases, options.seed, options.log);
  try {
    await copyBaseline(files, null);
  } finally {
    await fs.rm(files.dir, { recursive: true, force: true });
  }
  await pool().query("VACUUM ANALYZE");
  return { projectId: project.id, project };
}
