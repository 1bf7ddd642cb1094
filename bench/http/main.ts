/**
 * Runs the HTTP benchmarks alone on a fresh benchmark database:
 *   npx tsx bench/http/main.ts [--records N] [--seconds S] [--json]
 * (bench/run.ts can call benchHttpIngest/benchFeedback the same way.)
 */
import { machine, toJson, toTable, type BenchReport } from "../report";
import { openBenchDatabase } from "../setup";
import { benchFeedback, benchHttpIngest } from "./index";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const records = Number(arg("records") ?? 20_000);
  const seconds = Number(arg("seconds") ?? 8);
  const started = performance.now();
  const database = await openBenchDatabase(log);
  try {
    const ingest = await benchHttpIngest({ records, databaseUrl: database.url, log });
    const feedback = await benchFeedback({ seconds, databaseUrl: database.url, log });
    const report: BenchReport = {
      results: [...ingest.results, ...feedback.results],
      notes: [...ingest.notes, ...feedback.notes],
      cases: records,
      runs: 3,
      machine: machine(database.serverVersion),
      database: `${database.target} PostgreSQL ${database.serverVersion}`,
      totalSeconds: (performance.now() - started) / 1000,
    };
    process.stdout.write(`${process.argv.includes("--json") ? toJson(report) : toTable(report)}\n`);
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
