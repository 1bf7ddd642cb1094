/**
 * Reliability of the ingest API, over real HTTP against the production server:
 *
 * - A PostgreSQL crash (immediate shutdown, SIGQUIT to the postmaster) in the
 *   middle of a stream of ingest requests, then a restart: every record that
 *   got a 2xx is stored exactly once, requests during the outage get 503 with
 *   Retry-After (not a 500, not a hang), and ingestion resumes by itself.
 *   This needs a PostgreSQL of its own (we kill it) and an app server of its own.
 * - Overload: at twice the sustainable request rate the API answers 429 with
 *   Retry-After for the overloaded project instead of 5xx or timeouts, memory
 *   stays bounded, and another project is not starved.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "../../lib/api/keys";
import { startEmbedded, type EmbeddedServer } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";
import { prismaOver } from "../../lib/db/prisma";
import { ensureProject } from "../../lib/projects";
import { taxonomySchema } from "../../lib/validations/taxonomy";
import { urlOfDatabase } from "../../lib/db/server";
import { spawnAppServer } from "./global-setup";
import { projectWithKeys, useApi } from "./helpers";
import { INTENTS } from "./fixtures";

const api = useApi();
afterAll(() => api.close());

const INTENT_IDS = INTENTS.map((i) => i.id);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function record(id: string, n: number) {
  const expected = INTENT_IDS[n % 3]!;
  const predicted = INTENT_IDS[(n * 7) % 3]!;
  return {
    case: { id, messages: [{ role: "user", content: `Customer message number ${n}: I need help with my order.` }], expectedIntent: expected, tags: ["reliability"] },
    completions: [
      { run: "run-1", model: "model-1", text: `<analysis>Wants ${expected}.</analysis><intent>${expected}</intent> Sure, I can help with that.`, latencyMs: 100 + (n % 50) },
      { run: "run-2", model: "model-2", text: `<analysis>Wants ${predicted}.</analysis><intent>${predicted}</intent> Let me check.`, policy: { verdict: n % 2 ? "pass" : "fail", rationale: "imported", judge: "offline-judge" } },
      { run: "run-3", model: "model-3", text: n % 5 === 0 ? "no tags" : `<analysis>x</analysis><intent>${expected}</intent> Done.` },
    ],
  };
}

interface Answer {
  status: number; // 0: no answer (network error or timeout)
  ms: number;
  at: number;
  retryAfter: string | null;
  error?: string;
}

async function post(baseUrl: string, key: string, body: string, timeoutMs = 60_000, path = "/api/v1/ingest"): Promise<Answer & { json: any }> {
  const start = Date.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = { unparsed: text.slice(0, 200) };
    }
    return { status: response.status, ms: Date.now() - start, at: start, retryAfter: response.headers.get("retry-after"), json };
  } catch (error) {
    return { status: 0, ms: Date.now() - start, at: start, retryAfter: null, json: null, error: (error as Error).message };
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A project with the test intents and an ingest key, created through the given database. */
async function seedProject(db: pg.Pool, prefix: string): Promise<{ id: number; key: string }> {
  const client = prismaOver(db);
  const id = await ensureProject(`${prefix}-${randomBytes(4).toString("hex")}`, { intents: taxonomySchema.parse({ intents: INTENTS }).intents }, client);
  return { id, key: (await createApiKey(id, "reliability", "ingest", client)).secret };
}

describe("a PostgreSQL crash and restart during ingestion", () => {
  const DATA_DIR = path.resolve(".data/test-reliability");
  const PORT = 55500;
  let pgServer: EmbeddedServer | null = null;
  let app: Awaited<ReturnType<typeof spawnAppServer>> | null = null;
  let adminUrl = "";
  let database = "";

  afterAll(async () => {
    await app?.stop();
    if (adminUrl && database) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect().then(
        () => admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => admin.end()),
        () => undefined,
      );
    }
    await pgServer?.stop();
  });

  it("loses no acknowledged record, answers 503 + Retry-After during the outage and resumes by itself", async () => {
    pgServer = await startEmbedded({ dataDir: DATA_DIR, port: PORT });
    expect(pgServer.owned, "another process runs the reliability cluster; it cannot be stopped by this test").toBe(true);
    expect(pgServer.port).toBe(PORT);
    adminUrl = pgServer.url;
    database = `ib_reliability_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = urlOfDatabase(adminUrl, database);
    await applyMigrations(url);
    app = await spawnAppServer(url);

    let db = new pg.Pool({ connectionString: url, max: 2 });
    db.on("error", () => undefined);
    const project = await seedProject(db, "reliability");
    await db.end();

    // 4 clients, each sending 30 batches of 20 records, one after the other; a
    // client retries a batch on 503/429/409 after Retry-After, and on no answer.
    const CLIENTS = 4;
    const BATCHES = 30;
    const PER_BATCH = 20;
    const answers: Answer[] = [];
    const acknowledged = new Set<string>();
    let acknowledgedBatches = 0;
    const client = async (c: number) => {
      for (let b = 0; b < BATCHES; b++) {
        const ids = Array.from({ length: PER_BATCH }, (_, i) => `w${c}-b${b}-r${i}`);
        const body = JSON.stringify({ records: ids.map((id, i) => record(id, c * 10_000 + b * 100 + i)) });
        for (let attempt = 1; ; attempt++) {
          const answer = await post(app!.baseUrl, project.key, body, 30_000);
          answers.push(answer);
          if (answer.status >= 200 && answer.status < 300) {
            expect(answer.json.summary.rejected, JSON.stringify(answer.json)).toBe(0);
            for (const id of ids) acknowledged.add(id);
            acknowledgedBatches++;
            break;
          }
          if (attempt > 60) throw new Error(`batch w${c}-b${b} not acknowledged after ${attempt} attempts; last ${answer.status} ${JSON.stringify(answer.json)}`);
          const delay = answer.retryAfter ? Math.min(Number(answer.retryAfter) * 1000, 5000) : 1000;
          await sleep(delay);
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));

    // Meanwhile a training loop asks for rewards (its key and grading context
    // cached by the server): 200, or 503 with Retry-After, never anything else.
    const feedbackAnswers: Answer[] = [];
    let ingesting = true;
    const feedbackBody = JSON.stringify({ completion: "<analysis>a</analysis><intent>get_refund</intent> Sure.", expectedIntent: "get_refund" });
    const trainer = (async () => {
      while (ingesting) {
        const answer = await post(app!.baseUrl, project.key, feedbackBody, 30_000, "/api/v1/feedback/intent");
        feedbackAnswers.push(answer);
        if (answer.status === 200) expect(answer.json.reward).toBe(1);
        await sleep(answer.status === 200 ? 20 : 200);
      }
    })();

    // Crash PostgreSQL once a quarter of the batches are in, keep it down for a while, start it again.
    await until(() => acknowledgedBatches >= (CLIENTS * BATCHES) / 4, 60_000, "the first acknowledged batches");
    const pidFile = await fs.readFile(path.join(DATA_DIR, "postgres", "postmaster.pid"), "utf8");
    const postmaster = Number(pidFile.split("\n")[0]);
    expect(alive(postmaster)).toBe(true);
    const ackedBeforeCrash = acknowledgedBatches;
    process.kill(postmaster, "SIGQUIT"); // immediate shutdown: no checkpoint, crash recovery on the next start
    const outageStart = Date.now();
    await until(async () => !alive(postmaster) && (await portIsFree(PORT)), 30_000, "PostgreSQL to exit");
    await sleep(3000);
    pgServer = await startEmbedded({ dataDir: DATA_DIR, port: PORT });
    const outageEnd = Date.now();
    expect(pgServer.port).toBe(PORT);

    await Promise.all(clients);
    ingesting = false;
    await trainer;

    // Every feedback request got an answer too: 200, or 503 with Retry-After; rewards again after the restart.
    expect(feedbackAnswers.filter((a) => a.status === 0)).toEqual([]);
    for (const a of feedbackAnswers) expect([200, 503]).toContain(a.status);
    for (const a of feedbackAnswers.filter((a) => a.status === 503)) expect(a.retryAfter).toMatch(/^\d+$/);
    expect(feedbackAnswers.some((a) => a.status === 200 && a.at > outageEnd)).toBe(true);

    // Every request got an answer in bounded time: 2xx, or 503 with Retry-After.
    const noAnswer = answers.filter((a) => a.status === 0);
    expect(noAnswer, JSON.stringify(noAnswer.slice(0, 3))).toEqual([]);
    const statuses = [...new Set(answers.map((a) => a.status))].sort();
    for (const status of statuses) expect([200, 503]).toContain(status);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const a of unavailable) expect(a.retryAfter).toMatch(/^\d+$/);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(15_000);
    // The outage's requests were the 503s; after the restart ingestion went on without help.
    expect(unavailable.every((a) => a.at + a.ms >= outageStart - 1000)).toBe(true);
    expect(answers.some((a) => a.status === 200 && a.at > outageEnd)).toBe(true);
    expect(ackedBeforeCrash).toBeLessThan(CLIENTS * BATCHES);

    // Exactly once: every acknowledged record is there once, whole; nothing else is.
    db = new pg.Pool({ connectionString: url, max: 2 });
    db.on("error", () => undefined);
    try {
      const cases = await db.query<{ external_id: string; n: number; completions: number; verdicts: number }>(
        `SELECT ca.external_id, count(DISTINCT ca.id)::int AS n, count(DISTINCT co.id)::int AS completions, count(DISTINCT pv.id)::int AS verdicts
           FROM cases ca
           LEFT JOIN completions co ON co.project_id = ca.project_id AND co.case_id = ca.id
           LEFT JOIN policy_verdicts pv ON pv.project_id = co.project_id AND pv.completion_id = co.id
          WHERE ca.project_id = $1 GROUP BY ca.external_id`,
        [project.id],
      );
      expect(acknowledged.size).toBe(CLIENTS * BATCHES * PER_BATCH);
      expect(cases.rows.length).toBe(acknowledged.size);
      const bad = cases.rows.filter((row) => !acknowledged.has(row.external_id) || row.n !== 1 || row.completions !== 3 || row.verdicts < 1);
      expect(bad).toEqual([]);
      // Imported verdicts were not duplicated by the retries: one per run-2 completion, plus one per format error.
      const verdicts = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM policy_verdicts WHERE project_id = $1", [project.id]);
      const formatErrors = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM completions WHERE project_id = $1 AND intent_verdict = 'format_error'", [project.id]);
      expect(verdicts.rows[0]!.n).toBe(acknowledged.size + formatErrors.rows[0]!.n);
      // The aggregates survived the crash exactly.
      const stats = await db.query<{ total: number }>("SELECT coalesce(sum(total), 0)::int AS total FROM run_intent_stats WHERE project_id = $1", [project.id]);
      expect(stats.rows[0]!.total).toBe(acknowledged.size * 3);
    } finally {
      await db.end();
    }
    console.log(
      `reliability: ${answers.length} requests, ${unavailable.length} answered 503 during an outage of ${((outageEnd - outageStart) / 1000).toFixed(1)} s, ` +
        `slowest answer ${Math.max(...answers.map((a) => a.ms))} ms, ${acknowledged.size} records acknowledged and stored exactly once`,
    );
  });
});

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

describe("overload", () => {
  let app: Awaited<ReturnType<typeof spawnAppServer>> | null = null;
  afterAll(async () => {
    await app?.stop();
  });

  it("answers 429 with Retry-After at twice the sustainable rate, with no 5xx, bounded latency and memory, and no starved project", async () => {
    const LIMIT = 4;
    app = await spawnAppServer(inject("databaseUrl"), { IB_API_MAX_INFLIGHT_PER_PROJECT: String(LIMIT) });
    const a = await projectWithKeys(INTENTS);
    const b = await projectWithKeys(INTENTS);

    // 500 records x 3 completions per batch; every batch has new case ids (a template, so the load generator stays cheap).
    const template = JSON.stringify({ records: Array.from({ length: 500 }, (_, i) => record(`@@-${i}`, i)) });
    let sequence = 0;
    const nextBody = () => template.replaceAll("@@", `batch${sequence++}`);
    const smallTemplate = JSON.stringify({ records: Array.from({ length: 20 }, (_, i) => record(`@@-${i}`, i)) });

    let peakRss = 0;
    const baselineRss = rssKb(app.pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssKb(app!.pid))), 100);

    try {
      // Sustainable rate: LIMIT closed-loop clients, never more in flight than the server admits.
      const sustained: Answer[] = [];
      const phaseEnd = Date.now() + 6000;
      await Promise.all(
        Array.from({ length: LIMIT }, async () => {
          while (Date.now() < phaseEnd) sustained.push(await post(app!.baseUrl, a.keys.ingest, nextBody()));
        }),
      );
      const ok = sustained.filter((r) => r.status === 200);
      expect(ok.length, JSON.stringify(sustained.filter((r) => r.status !== 200).slice(0, 2))).toBeGreaterThan(0);
      const rate = ok.length / 6; // requests per second
      const sustainedP95 = ok.map((r) => r.ms).sort((x, y) => x - y)[Math.floor(ok.length * 0.95)]!;

      // Twice that rate, open loop (requests go out on schedule whatever the answers), for 10 s;
      // meanwhile project B sends small batches one after the other.
      const overload: Promise<Answer>[] = [];
      const interval = 1000 / (2 * rate);
      const start = Date.now();
      const DURATION = 10_000;
      const other: Answer[] = [];
      const otherClient = (async () => {
        let n = 0;
        while (Date.now() - start < DURATION) {
          other.push(await post(app!.baseUrl, b.keys.ingest, smallTemplate.replaceAll("@@", `b${n++}`)));
          await sleep(100);
        }
      })();
      for (let i = 0; ; i++) {
        const due = start + i * interval;
        if (due - start >= DURATION) break;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        overload.push(post(app.baseUrl, a.keys.ingest, nextBody()));
      }
      const answers = await Promise.all(overload);
      await otherClient;

      const count = (status: number) => answers.filter((r) => r.status === status).length;
      const fiveXx = answers.filter((r) => r.status >= 500 || r.status === 0);
      expect(fiveXx.map((r) => `${r.status} ${r.error ?? ""}`)).toEqual([]);
      for (const r of answers) expect([200, 429]).toContain(r.status);
      expect(count(429)).toBeGreaterThan(0);
      expect(count(200)).toBeGreaterThan(0);
      for (const r of answers.filter((r) => r.status === 429)) expect(r.retryAfter).toMatch(/^\d+$/);
      const slowest = Math.max(...answers.map((r) => r.ms));
      expect(slowest).toBeLessThan(30_000);
      // 429s are answered at once, without reading the body or touching the batch.
      const rejectedP95 = answers.filter((r) => r.status === 429).map((r) => r.ms).sort((x, y) => x - y)[Math.floor(count(429) * 0.95)]!;
      expect(rejectedP95).toBeLessThan(5000);

      // Project B was not starved.
      expect(other.length).toBeGreaterThan(0);
      expect(other.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([]);
      const otherSlowest = Math.max(...other.map((r) => r.ms));
      expect(otherSlowest).toBeLessThan(10_000);

      // Memory stayed bounded (the server never queued the overflow).
      clearInterval(sampler);
      expect(peakRss).toBeGreaterThan(0);
      expect(peakRss).toBeLessThan(1_500_000); // kB
      expect(peakRss - baselineRss).toBeLessThan(800_000);

      // What was acknowledged is stored; what got 429 is not.
      const { rows } = await api.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM cases WHERE project_id = $1", [a.projectId]);
      expect(rows[0]!.n).toBe((ok.length + count(200)) * 500);

      console.log(
        `overload: sustainable ${rate.toFixed(1)} req/s of 500 records (p95 ${sustainedP95} ms); at ${(2 * rate).toFixed(1)} req/s offered: ` +
          `${count(200)} x 200, ${count(429)} x 429 (p95 ${rejectedP95} ms), slowest ${slowest} ms; project B ${other.length} x 200, slowest ${otherSlowest} ms; ` +
          `server RSS ${Math.round(baselineRss / 1024)} MB -> peak ${Math.round(peakRss / 1024)} MB`,
      );
    } finally {
      clearInterval(sampler);
    }
  });
});
