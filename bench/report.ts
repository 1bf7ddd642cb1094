/** Benchmark results: a table for people, a JSON array for machines. */
import os from "node:os";

export interface BenchResult {
  name: string;
  unit: string;
  ours: number;
  baseline: number;
  /** Higher is better: ours/baseline for throughputs, baseline/ours for latencies. */
  ratio: number;
  target: string;
  met: boolean;
}

export interface BenchReport {
  results: BenchResult[];
  notes: string[];
  cases: number;
  runs: number;
  machine: Machine;
  database: string;
  totalSeconds: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  postgres: string;
  os: string;
}

export function machine(postgres: string): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    postgres,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function toJson(report: BenchReport): string {
  return JSON.stringify(
    report.results.map((r) => ({ name: r.name, unit: r.unit, ours: round(r.ours), baseline: round(r.baseline), ratio: round(r.ratio), target: r.target, met: r.met, cases: report.cases, runs: report.runs })),
    null,
    2,
  );
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en");
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function toTable(report: BenchReport): string {
  const header = ["benchmark", "unit", "ours", "baseline", "ratio", "target", "met"];
  const rows = report.results.map((r) => [r.name, r.unit, figure(r.ours), figure(r.baseline), `${r.ratio.toFixed(2)}x`, r.target, r.met ? "yes" : "NO"]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const numeric = new Set([2, 3, 4]);
  const line = (cells: string[]) => cells.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  const m = report.machine;
  return [
    `Interaction Browser benchmarks: ${report.cases.toLocaleString("en")} cases x ${report.runs} runs`,
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memory}, ${m.os}; node ${m.node}; PostgreSQL ${m.postgres}`,
    `database: ${report.database}`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    "ratio: always higher is better: ours / baseline for rates, baseline / ours for times and memory.",
    ...report.notes.map((note) => `- ${note}`),
    `total bench time ${report.totalSeconds.toFixed(1)} s`,
  ].join("\n");
}
