/**
 * The import CLI on N generated records: `ib generate` writes the JSONL file
 * (untimed), then `ib import` runs as its own process, as a user runs it, and
 * we time it and sample its peak resident memory (VmHWM) from /proc.
 * Baseline: COPY of the same kind of rows, measured by the load benchmark in
 * the same run, in records per second.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../scripts/build";
import { createBenchProject } from "./project";
import type { BenchResult } from "./report";

type Log = (line: string) => void;

const PEAK_MEMORY_TARGET_MB = 300;

function ib(args: string[], onStart?: (pid: number) => void): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    // node --import tsx rather than npx tsx: one process, whose memory is the CLI's own.
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "cli/ib.ts"), ...args], { cwd: ROOT, env: process.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    child.once("error", reject);
    child.once("spawn", () => onStart?.(child.pid!));
    child.once("exit", (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** Peak resident set of a running process in MB (VmHWM never decreases), or null when gone. */
async function peakMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export async function runImportBenchmark(options: { cases: number; copyRecordsPerSecond: number; log: Log }): Promise<{ results: BenchResult[]; notes: string[] }> {
  const { cases, copyRecordsPerSecond, log } = options;
  const dir = await mkdtemp(path.join(os.tmpdir(), "ib-bench-import-"));
  try {
    const file = path.join(dir, "records.jsonl");
    log(`import CLI: generating ${cases.toLocaleString("en")} records (untimed)`);
    const generated = await ib(["generate", "--cases", String(cases), "--out", file]);
    if (generated.code !== 0) throw new Error(`ib generate failed: ${generated.stderr}`);
    const bytes = (await stat(file)).size;
    const project = await createBenchProject("bench-import");

    log(`import CLI: importing ${(bytes / 1024 ** 2).toFixed(0)} MB into project ${project.name}`);
    let peak = 0;
    let sampler: NodeJS.Timeout | null = null;
    const started = performance.now();
    const outcome = await ib(["import", file, "--project", project.name], (pid) => {
      sampler = setInterval(() => {
        void peakMb(pid).then((mb) => {
          if (mb !== null) peak = Math.max(peak, mb);
        });
      }, 25);
    });
    const seconds = (performance.now() - started) / 1000;
    if (sampler) clearInterval(sampler);
    if (outcome.code !== 0) throw new Error(`ib import failed (exit ${outcome.code}): ${outcome.stderr.slice(-2000)}`);
    const rate = cases / seconds;
    log(`  ${seconds.toFixed(1)} s, ${Math.round(rate).toLocaleString("en")} records/s, peak memory ${peak.toFixed(0)} MB`);
    return {
      results: [
        { name: "import CLI", unit: "records/s (3 completions each)", ours: rate, baseline: copyRecordsPerSecond, ratio: rate / copyRecordsPerSecond, target: "report (baseline: COPY)", met: true },
        { name: "import CLI peak memory", unit: "MB (VmHWM)", ours: peak, baseline: PEAK_MEMORY_TARGET_MB, ratio: PEAK_MEMORY_TARGET_MB / peak, target: `< ${PEAK_MEMORY_TARGET_MB} MB`, met: peak < PEAK_MEMORY_TARGET_MB },
      ],
      notes: [
        `import CLI: \`ib import\` as its own process on a ${(bytes / 1024 ** 2).toFixed(0)} MB JSONL file of ${cases.toLocaleString("en")} generated records (x 3 completions), default batch size and concurrency, into a new project: ${seconds.toFixed(1)} s wall time, process start and progress output included. Baseline = the load benchmark's COPY rate in records/s. Peak memory = the process's VmHWM sampled every 25 ms; its baseline column is the target.`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
