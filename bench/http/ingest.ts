/**
 * Benchmark "http ingest": demo records (3 completions each) sent to
 * POST /api/v1/ingest of the production server in batches of 500 by 4
 * concurrent clients, against a plain COPY of exactly the same rows (cases,
 * completions, imported policy verdicts, graded by the same code) into the
 * same tables of the same database.
 *
 * Both sides load a project of their own on the same database state (nothing
 * is truncated, so this can run beside the other benchmarks), the COPY side
 * first. Afterwards both projects' contents and aggregates must be identical:
 * the API stored exactly what COPY wrote.
 */
import { DEMO_RUNS, generateDemoRecords } from "../../lib/demo/generate";
import { createApiKey } from "../../lib/api/keys";
import { closePool, pool } from "../../lib/db/pool";
import { copyRows } from "../../lib/ingest/copy";
import { planCompletions } from "../../lib/ingest/store";
import type { ProjectContext } from "../../lib/projects";
import type { IngestRecord } from "../../lib/validations/record";
import { createBenchProject, fingerprint } from "../project";
import { baselineEncoder, copyInOneTransaction, type BaselineTable } from "../baseline";
import type { BenchResult } from "../report";
import { closedLoopOver, percentile, startNextServer, type Log } from "./common";

export interface HttpIngestOptions {
  /** Records (cases) per side; default 20,000. */
  records?: number;
  /** Records per request; default 500. */
  batchSize?: number;
  /** Concurrent HTTP clients; default 4. */
  clients?: number;
  seed?: number;
  /** Defaults to DATABASE_URL (bench/setup.ts points it at the benchmark database). */
  databaseUrl?: string;
  /** Keep the two projects afterwards (default: deleted). */
  keep?: boolean;
  log?: Log;
}

export interface HttpBenchOutcome {
  results: BenchResult[];
  notes: string[];
}

const TARGET = 0.5;


/** The baseline's rows, precomputed (untimed): same grades and verdicts as the store, ids reserved up front. */
async function prepareCopy(project: ProjectContext, records: readonly IngestRecord[]) {
  const encode = await baselineEncoder(pool(), project, records.length);
  const rows: Record<BaselineTable, string[]> = { cases: [], completions: [], verdicts: [] };
  const taxonomy = new Set(project.intents.keys());
  for (const record of records) {
    const lines = encode(record, planCompletions(project, record, taxonomy));
    rows.cases.push(lines.case);
    rows.completions.push(...lines.completions);
    rows.verdicts.push(...lines.verdicts);
  }
  return rows;
}

async function timedCopy(rows: Record<BaselineTable, string[]>): Promise<number> {
  const client = await pool().connect();
  try {
    const start = performance.now();
    await copyInOneTransaction(client, (sql, table) => copyRows(client, sql, rows[table]));
    return performance.now() - start;
  } finally {
    client.release();
  }
}

function rate(value: number): string {
  return Math.round(value).toLocaleString("en");
}

export async function benchHttpIngest(options: HttpIngestOptions = {}): Promise<HttpBenchOutcome> {
  const log = options.log ?? (() => undefined);
  const records = options.records ?? 20_000;
  const batchSize = options.batchSize ?? 500;
  const clients = options.clients ?? 4;
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("benchHttpIngest needs a database: pass databaseUrl or set DATABASE_URL");
  if (process.env.DATABASE_URL !== databaseUrl) {
    await closePool();
    process.env.DATABASE_URL = databaseUrl;
  }

  const data = [...generateDemoRecords({ cases: records, seed: options.seed })];
  const copyProject = await createBenchProject("bench-http-copy");
  const project = await createBenchProject("bench-http");
  const warmup = await createBenchProject("bench-http-warmup");
  const key = (await createApiKey(project.id, "bench", "ingest")).secret;
  const warmupKey = (await createApiKey(warmup.id, "bench", "ingest")).secret;

  const server = await startNextServer(databaseUrl, log);
  try {
    // Baseline: COPY of precomputed rows.
    log(`http ingest: preparing the COPY baseline's rows for ${records.toLocaleString("en")} records (untimed)`);
    const rows = await prepareCopy(copyProject, data);
    await pool().query("CHECKPOINT").catch(() => undefined);
    log("http ingest: timing COPY");
    const copyMs = await timedCopy(rows);
    const copyRate = records / (copyMs / 1000);
    log(`  COPY: ${(copyMs / 1000).toFixed(2)} s, ${rate(copyRate)} records/s`);

    // Ours: request bodies serialised up front (the client's cost, not the server's).
    const bodies: Buffer[] = [];
    for (let i = 0; i < data.length; i += batchSize) bodies.push(Buffer.from(JSON.stringify({ records: data.slice(i, i + batchSize) })));
    const warmBodies = [...generateDemoRecords({ cases: 2 * batchSize, seed: 7 })];
    for (let i = 0; i < warmBodies.length; i += batchSize) {
      await closedLoopOver({ baseUrl: server.baseUrl, path: "/api/v1/ingest", headers: { authorization: `Bearer ${warmupKey}` }, connections: 1, bodies: [Buffer.from(JSON.stringify({ records: warmBodies.slice(i, i + batchSize) }))] });
    }
    await pool().query("CHECKPOINT").catch(() => undefined);
    log(`http ingest: timing POST /api/v1/ingest, ${bodies.length} batches of ${batchSize}, ${clients} clients`);
    const result = await closedLoopOver({
      baseUrl: server.baseUrl,
      path: "/api/v1/ingest",
      headers: { authorization: `Bearer ${key}` },
      connections: clients,
      bodies,
      check: (sent, index) => {
        if (sent.status !== 200) throw new Error(`batch ${index} answered ${sent.status}: ${sent.body.toString().slice(0, 300)}`);
      },
    });
    const oursRate = records / result.seconds;
    const p95 = percentile(result.latencies, 95);
    const p50 = percentile(result.latencies, 50);
    log(`  HTTP: ${result.seconds.toFixed(2)} s, ${rate(oursRate)} records/s, batch latency p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`);

    const expected = await fingerprint(copyProject.id);
    const actual = await fingerprint(project.id);
    for (const table of Object.keys(expected)) {
      if (actual[table] !== expected[table]) throw new Error(`http ingest exactness check failed: ${table} holds ${actual[table]} via HTTP but ${expected[table]} via COPY`);
    }
    const ratio = oursRate / copyRate;
    return {
      results: [{ name: "http ingest", unit: "records/s (3 completions each)", ours: oursRate, baseline: copyRate, ratio, target: `>= ${TARGET} x COPY`, met: ratio >= TARGET }],
      notes: [
        `http ingest: ${records.toLocaleString("en")} records x ${DEMO_RUNS.length} completions through POST /api/v1/ingest of the production server, batches of ${batchSize}, ${clients} concurrent keep-alive clients: ` +
          `${rate(oursRate)} records/s (${rate(oursRate * (1 + DEMO_RUNS.length))} rows/s), batch latency p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms.`,
        `http ingest: baseline = one transaction of 3 COPY statements of the same precomputed rows (cases, completions, policy_verdicts): ${rate(copyRate)} records/s. ` +
          `Both sides on the same database state, aggregate triggers enabled; contents and aggregates identical afterwards.`,
      ],
    };
  } finally {
    await server.stop();
    if (!options.keep) await pool().query("DELETE FROM projects WHERE id = ANY($1)", [[copyProject.id, project.id, warmup.id]]).catch(() => undefined);
  }
}
