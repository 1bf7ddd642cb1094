/**
 * Benchmark "pages": server time of the app's pages on the benchmark data, as
 * GET requests to the production server (scripts/serve.ts, as `npm start`
 * runs it) one after another over a keep-alive connection, timed from the
 * request to the last byte of the HTML (100 a page, or as many as fit in 90 s,
 * at least 20), against a target of p95 < 100 ms.
 * Then the first-load JavaScript of pages, gzipped, against 250 KB.
 *
 * Pages are measured at steady state: the search index is brought up to date
 * first (untimed), as the search section does. Otherwise the server's
 * background indexer would be indexing the freshly loaded completions all
 * through the measurement (at 1,000,000 cases, minutes of 20,000-document
 * chunks), and the pages would be timed against that work for the two cores.
 *
 * Adding a page is one line in PAGES (and one in FIRST_LOAD_ROUTES).
 */
import http from "node:http";
import path from "node:path";
import { readEnv } from "../lib/config";
import { pool } from "../lib/db/pool";
import { listRuns } from "../lib/metrics/queries";
import { catchUpSearchIndex } from "../lib/search/indexer";
import { ROOT } from "../scripts/build";
import { testUser } from "../tests/support/users";
import { firstLoadJs, scriptsOfHtml } from "./first-load-js";
import { httpAgent, percentile, startNextServer, type Log } from "./http/common";
import type { BenchResult } from "./report";

interface PageContext {
  project: string;
  runs: string[];
  /** Case external ids spread over the project, for pages of one case. */
  caseIds: string[];
}

interface PageSpec {
  name: string;
  /** The i-th request's path. */
  path: (context: PageContext, i: number) => string;
  /** Text the page's HTML must contain, so an error page never passes for a fast one. */
  marker: string;
}

const e = encodeURIComponent;
const pair = (runs: string[], i: number) => [runs[i % runs.length]!, runs[(i + 1) % runs.length]!];

export const PAGES: PageSpec[] = [
  { name: "case view", path: (c, i) => `/projects/${e(c.project)}/cases/${e(c.caseIds[i % c.caseIds.length]!)}`, marker: "Conversation" },
  { name: "confusion matrix", path: (c, i) => `/projects/${e(c.project)}/confusion?run=${e(c.runs[i % c.runs.length]!)}`, marker: 'data-testid="matrix-scroll"' },
  { name: "run comparison", path: (c, i) => `/projects/${e(c.project)}/compare?a=${e(pair(c.runs, i)[0]!)}&b=${e(pair(c.runs, i)[1]!)}&metric=system`, marker: 'data-testid="delta-matrix"' },
  { name: "inbox", path: (c) => `/projects/${e(c.project)}/inbox`, marker: 'data-testid="ranking-rule"' },
  { name: "case view from the inbox", path: (c, i) => `/projects/${e(c.project)}/cases/${e(c.caseIds[i % c.caseIds.length]!)}?from=inbox`, marker: "Conversation" },
  { name: "interaction table", path: (c, i) => `/projects/${e(c.project)}/cases?run=${e(c.runs[i % c.runs.length]!)}&intentVerdict=wrong`, marker: 'data-testid="match-count"' },
  { name: "interaction table, one row per case", path: (c) => `/projects/${e(c.project)}/cases?rows=case`, marker: 'data-testid="match-count"' },
];

/** Routes whose first-load JavaScript is reported, with the path of one page of each for the cross-check. */
const FIRST_LOAD_ROUTES: { route: string; path: (context: PageContext) => string }[] = [
  { route: "/projects/[project]/cases", path: (c) => `/projects/${e(c.project)}/cases` },
  { route: "/projects/[project]/cases/[caseId]", path: (c) => `/projects/${e(c.project)}/cases/${e(c.caseIds[0]!)}` },
];

const TARGET_MS = 100;
const TARGET_KB = 250;

function get(agent: http.Agent, baseUrl: string, requestPath: string, cookie: string): Promise<{ status: number; ms: number; body: string }> {
  const url = new URL(requestPath, baseUrl);
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request({ agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: "GET", headers: { cookie } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - start, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}

async function pageContext(projectId: number, cases: number): Promise<PageContext> {
  const db = pool();
  const { rows: [project] } = await db.query<{ name: string }>("SELECT name FROM projects WHERE id = $1", [projectId]);
  const runs = (await listRuns(db, projectId)).map((run) => run.name);
  // Every k-th case by id: spread over the whole table, the same ones every run.
  const step = Math.max(1, Math.floor(cases / 500));
  const { rows } = await db.query<{ external_id: string }>(
    "SELECT external_id FROM (SELECT external_id, row_number() OVER (ORDER BY id) AS k FROM cases WHERE project_id = $1) numbered WHERE k % $2 = 0 LIMIT 500",
    [projectId, step],
  );
  if (!project || runs.length < 2 || rows.length === 0) throw new Error("pages benchmark: the benchmark project needs two runs and some cases");
  return { project: project.name, runs, caseIds: rows.map((row) => row.external_id) };
}

export async function runPagesBenchmark(options: { projectId: number; cases: number; quick: boolean; databaseUrl: string; log: Log }): Promise<{ results: BenchResult[]; notes: string[] }> {
  const { log } = options;
  const context = await pageContext(options.projectId, options.cases);
  const indexing = performance.now();
  const pass = await catchUpSearchIndex();
  if (pass.documents > 0) log(`  pages: indexed ${pass.documents.toLocaleString("en")} documents first (${((performance.now() - indexing) / 1000).toFixed(1)} s, untimed), so the server's indexer is idle while pages are timed`);
  // Up to `requests` per page, but a slow page stops after `budgetMs` once it has `minimum` (so a miss still finishes).
  const requests = options.quick ? 40 : 100;
  const minimum = 20;
  const budgetMs = (options.quick ? 20 : 90) * 1000;
  const warmup = 3;
  const server = await startNextServer(options.databaseUrl, log);
  // Pages are for signed-in users: a reader of the project (a member with the weakest role), as a lead would browse.
  const { cookie } = await testUser({ label: "bench-viewer", memberships: [{ projectId: options.projectId, role: "viewer" }] });
  const agent = httpAgent(1);
  const results: BenchResult[] = [];
  const notes: string[] = [];
  try {
    for (const page of PAGES) {
      const times: number[] = [];
      let measuring = 0;
      for (let i = 0; i < warmup + requests; i++) {
        if (i === warmup) measuring = performance.now();
        if (times.length >= minimum && performance.now() - measuring > budgetMs) break;
        const requestPath = page.path(context, i);
        const sent = await get(agent, server.baseUrl, requestPath, cookie);
        if (sent.status !== 200 || !sent.body.includes(page.marker)) throw new Error(`pages benchmark: GET ${requestPath} answered ${sent.status} without ${page.marker}`);
        if (i >= warmup) times.push(sent.ms);
      }
      times.sort((x, y) => x - y);
      const [median, p95] = [percentile(times, 50), percentile(times, 95)];
      log(`  ${page.name}: ${times.length} requests, median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
      results.push({ name: `page ${page.name} p95`, unit: "ms/request", ours: p95, baseline: TARGET_MS, ratio: TARGET_MS / p95, target: `ours < ${TARGET_MS} ms`, met: p95 < TARGET_MS });
      notes.push(`page ${page.name}: GET ${page.path(context, 0)} and ${times.length - 1} more${page.name === "case view" ? " (a different case each)" : ""}: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms.`);
    }

    const distDir = path.join(ROOT, readEnv().IB_DIST_DIR);
    for (const { route, path: pathOf } of FIRST_LOAD_ROUTES) {
      const measured = firstLoadJs(distDir, route);
      const kb = measured.gzipBytes / 1024;
      // Cross-check: the scripts the rendered page names must all be counted.
      const html = await get(agent, server.baseUrl, pathOf(context), cookie);
      const missing = scriptsOfHtml(html.body).filter((file) => file.endsWith(".js") && !measured.files.includes(file));
      if (missing.length > 0) throw new Error(`first-load JS of ${route}: the page loads ${missing.join(", ")}, which the manifests did not name`);
      results.push({ name: `first-load JS ${route}`, unit: "KB gzipped", ours: kb, baseline: TARGET_KB, ratio: TARGET_KB / kb, target: `ours < ${TARGET_KB} KB`, met: kb < TARGET_KB });
      notes.push(`first-load JS ${route}: ${measured.files.length} files, ${(measured.rawBytes / 1024).toFixed(1)} KB raw, ${kb.toFixed(1)} KB gzipped (level 9); every script the rendered page names is among them (checked).`);
    }
  } finally {
    agent.destroy();
    await server.stop();
  }
  notes.push(`pages: the baseline column is the target (${TARGET_MS} ms, ${TARGET_KB} KB), ratio = target / ours; page times are sequential GETs after ${warmup} warm-up requests, measured by the client on loopback, request to last byte.`);
  return { results, notes };
}
