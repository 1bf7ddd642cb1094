/**
 * npm run bench -- [--quick] [--json] [--strict] [--cases N] [--rounds N] [--seed N] [--judge-completions N] [--only SECTION,...]
 *
 * Loads N demo cases x 3 runs into a fresh database (embedded PostgreSQL under
 * .data/bench, or IB_BENCH_DATABASE_URL's server), times our bulk path against
 * COPY and the leaderboard against a GROUP BY, checks that both sides agree
 * exactly; then the import CLI on N records (rate and peak memory), HTTP
 * ingest against COPY, and the feedback endpoint against a bare Node server
 * with the same grader, and the pages' server times and first-load JavaScript
 * on the loaded data, and judge jobs (bench/judge.ts: the LLM judge against
 * a loopback model, the rubric judge over 1,000,000 completions, a fully
 * cached re-judge) on data of their own; prints the results and drops the
 * database. --only runs some sections (load, leaderboard, table, search,
 * import, ingest, feedback, pages, judge); the
 * load benchmark runs when leaderboard or import do, since they need it;
 * pages alone load the same data by COPY, untimed.
 * Default size 1,000,000 cases (one round); --quick 20,000 (median of 3
 * rounds). The judge section's rubric jobs judge 1,000,000 completions
 * (--quick 60,000; --judge-completions N for another size), whatever --cases. Progress goes to stderr; --json prints only the JSON results on
 * stdout (`npm run -s bench -- --json` keeps npm's own banner off it too).
 * --strict exits 1 when a target is missed; a failed exactness check always does.
 * --only runs the named sections (load always runs: the others read its data).
 */
import { z } from "zod";
import { DEMO_RUNS } from "../lib/demo/generate";
import { benchFeedback, benchHttpIngest } from "./http";
import { runImportBenchmark } from "./import";
import { runJudgeBenchmark } from "./judge";
import { runLeaderboardBenchmark } from "./leaderboard";
import { loadBenchData, runLoadBenchmark } from "./load";
import { runPagesBenchmark } from "./pages";
import { runSearchBenchmark } from "./search";
import { runTableBenchmark } from "./table";
import { machine, toJson, toTable, type BenchReport } from "./report";
import { openBenchDatabase, type BenchDatabase } from "./setup";

const QUICK_CASES = 20_000;
const FULL_CASES = 1_000_000;
/** Records per side for HTTP ingest against COPY (each with 3 completions). */
const HTTP_RECORDS = 100_000;
const HTTP_QUICK_RECORDS = 10_000;

const SECTIONS = ["load", "leaderboard", "table", "search", "import", "ingest", "feedback", "pages", "judge"] as const;

const argsSchema = z
  .object({
    quick: z.boolean().default(false),
    json: z.boolean().default(false),
    strict: z.boolean().default(false),
    cases: z.coerce.number().int().positive().max(10_000_000).optional(),
    rounds: z.coerce.number().int().positive().max(20).optional(),
    seed: z.coerce.number().int().optional(),
    judgeCompletions: z.coerce.number().int().positive().max(10_000_000).optional(),
    only: z
      .string()
      .transform((value) => value.split(","))
      .pipe(z.array(z.enum(SECTIONS)).min(1))
      .optional(),
  })
  .strict();
type Args = z.infer<typeof argsSchema>;

const USAGE = `usage: npm run bench -- [--quick] [--json] [--strict] [--cases N] [--rounds N] [--seed N] [--judge-completions N] [--only ${SECTIONS.join("|")}[,...]]`;

/** Flags that take a value, by their name on the command line. */
const VALUED: Record<string, keyof Args> = { cases: "cases", seed: "seed", rounds: "rounds", only: "only", "judge-completions": "judgeCompletions" };

function parseArgs(argv: string[]): Args {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = arg.match(/^--([a-z][a-z-]*)(?:=(.*))?$/);
    if (!match) throw new Error(`unexpected argument '${arg}'\n${USAGE}`);
    const [, name, inline] = match;
    if (name === "help") {
      process.stderr.write(`${USAGE}\n`);
      process.exit(0);
    }
    const valued = VALUED[name!];
    if (valued) raw[valued] = inline ?? argv[++i];
    else if (inline !== undefined) throw new Error(`--${name} takes no value\n${USAGE}`);
    else raw[name!] = true;
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((issue) => `${issue.path.join(".") || "arguments"}: ${issue.message}`).join("; ")}\n${USAGE}`);
  return parsed.data;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const cases = args.cases ?? (args.quick ? QUICK_CASES : FULL_CASES);
  // Small loads are over in seconds, so a passing burst of other work skews one a lot: take medians.
  const rounds = args.rounds ?? (cases <= 100_000 ? 3 : 1);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const selected = new Set<string>(args.only ?? SECTIONS);
  const run = <T,>(section: (typeof SECTIONS)[number], bench: () => Promise<T>): Promise<T | null> => (selected.has(section) ? bench() : Promise.resolve(null));
  const started = performance.now();

  let database: BenchDatabase | null = null;
  const abort = (signal: NodeJS.Signals) => {
    log(`${signal}: dropping the benchmark database`);
    void (database?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);

  database = await openBenchDatabase(log);
  try {
    const needsLoad = ["load", "leaderboard", "import"].some((section) => selected.has(section));
    const load = needsLoad ? await runLoadBenchmark({ cases, rounds, seed: args.seed, cluster: database.cluster, log }) : null;
    const board = await run("leaderboard", () => runLeaderboardBenchmark({ projectId: load!.projectId, cases, quick: args.quick, log }));
    // The table and pages alone need only the data: loaded by COPY, untimed, instead of the whole load benchmark.
    const pagesProject = ["pages", "table", "search"].some((section) => selected.has(section)) ? (load?.projectId ?? (await loadBenchData({ cases, seed: args.seed, log })).projectId) : 0;
    const table = await run("table", () => runTableBenchmark({ projectId: pagesProject, cases, log }));
    const search = await run("search", () => runSearchBenchmark({ projectId: pagesProject, cases, log }));
    const pages = await run("pages", () => runPagesBenchmark({ projectId: pagesProject, cases, quick: args.quick, databaseUrl: database!.url, log }));
    const imported = await run("import", () => runImportBenchmark({ cases, copyRecordsPerSecond: load!.copyRecordsPerSecond, log }));
    // HTTP: the production server on the same database. Ingest compares with COPY on its own records.
    const ingest = await run("ingest", () => benchHttpIngest({ records: args.quick ? HTTP_QUICK_RECORDS : HTTP_RECORDS, databaseUrl: database!.url, log }));
    const feedback = await run("feedback", () => benchFeedback({ seconds: args.quick ? 3 : 8, databaseUrl: database!.url, log }));
    const judge = await run("judge", () => runJudgeBenchmark({ quick: args.quick, rubricCompletions: args.judgeCompletions, seed: args.seed, cluster: database!.cluster, log }));
    const parts = [load, board, table, search, pages, imported, ingest, feedback, judge].filter((part) => part !== null);
    const report: BenchReport = {
      results: parts.flatMap((part) => part.results),
      notes: parts.flatMap((part) => part.notes),
      cases,
      runs: DEMO_RUNS.length,
      machine: machine(database.serverVersion),
      database: `${database.target} PostgreSQL ${database.serverVersion} (${Object.entries(database.settings)
        .filter(([name]) => name !== "server_version")
        .map(([name, value]) => `${name}=${value}`)
        .join(", ")})`,
      totalSeconds: (performance.now() - started) / 1000,
    };
    process.stdout.write(`${args.json ? toJson(report) : toTable(report)}\n`);
    return args.strict && report.results.some((r) => !r.met) ? 1 : 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
