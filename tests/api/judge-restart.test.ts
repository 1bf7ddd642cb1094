/**
 * A judge job survives a restart of the app: the production server (with its
 * worker) is killed with SIGKILL in the middle of a 1,000-completion job and
 * started again, and the job completes with exactly one verdict per
 * completion. On a database of the test's own, so that only these servers'
 * workers can take the job; the model is a loopback chat-completions server.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "../../lib/api/keys";
import { applyMigrations } from "../../lib/db/migrate";
import { prismaOver } from "../../lib/db/prisma";
import { urlOfDatabase } from "../../lib/db/server";
import { ensureProject } from "../../lib/projects";
import { taxonomySchema } from "../../lib/validations/taxonomy";
import { startChatServer, type ChatServer } from "../support/chat-server";
import { INTENTS } from "./fixtures";
import { spawnAppServer } from "./global-setup";

const COMPLETIONS = 1000;
const CONCURRENCY = 8;
const SECRET = "43".repeat(32);

type App = Awaited<ReturnType<typeof spawnAppServer>>;

describe("a judge job across a restart of the app", () => {
  const apps: App[] = [];
  let model: ChatServer | null = null;
  let db: pg.Pool | null = null;
  let admin: pg.Client | null = null;
  let database = "";

  afterAll(async () => {
    for (const app of apps) await app.kill();
    await model?.close();
    await db?.end();
    if (admin) {
      if (database) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });

  async function request(app: App, method: string, path: string, key: string, body?: unknown) {
    const response = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it("a server killed in the middle of 1,000 completions is started again: the job completes with exactly one verdict each", async () => {
    admin = new pg.Client({ connectionString: inject("databaseUrl") });
    await admin.connect();
    database = `ib_restart_${randomBytes(4).toString("hex")}`;
    await admin.query(`CREATE DATABASE ${database}`);
    const url = urlOfDatabase(inject("databaseUrl"), database);
    await applyMigrations(url);
    db = new pg.Pool({ connectionString: url, max: 2 });
    const prisma = prismaOver(db);
    const projectId = await ensureProject(`restart-${randomBytes(4).toString("hex")}`, { intents: taxonomySchema.parse({ intents: INTENTS }).intents }, prisma);
    const keys = { admin: (await createApiKey(projectId, "restart", "admin", prisma)).secret, ingest: (await createApiKey(projectId, "restart", "ingest", prisma)).secret };

    model = await startChatServer(async () => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return { verdict: "pass", rationale: "fine" };
    });
    const first = await spawnAppServer(url, { IB_SECRET_KEY: SECRET });
    apps.push(first);
    const records = Array.from({ length: COMPLETIONS }, (_, i) => ({
      case: { id: `k${i}`, messages: [{ role: "user", content: `case ${i}` }], expectedIntent: "get_refund" },
      completions: [{ run: "a", model: "m", text: `<analysis>x</analysis><intent>get_refund</intent> Reply number ${i}.` }],
    }));
    expect((await request(first, "POST", "/api/v1/ingest", keys.ingest, { records })).status).toBe(200);
    const judge = { kind: "openai", baseUrl: model.url, model: "judge-test", apiKey: "sk-restart-0000", concurrency: CONCURRENCY };
    expect((await request(first, "PUT", "/api/v1/judges/llm", keys.admin, judge)).status).toBe(200);
    const created = await request(first, "POST", "/api/v1/judge-jobs", keys.ingest, { judge: "llm", run: "a" });
    expect(created.status).toBe(202);
    const id = Number(created.json.id);

    const view = async () => {
      const { rows } = await db!.query<{ status: string; total: number; done: number; errors: number; started: boolean; resumed: boolean }>(
        "SELECT status::text, total, done, errors, started_at IS NOT NULL AS started, resumed_at > started_at AS resumed FROM judge_jobs WHERE id = $1",
        [id],
      );
      return rows[0]!;
    };
    await until(view, (v) => v.done >= 200, "the job has stored 200 verdicts");
    await first.kill();
    const stopped = await view();
    expect(stopped).toMatchObject({ status: "running", total: COMPLETIONS });
    expect(stopped.done).toBeLessThan(COMPLETIONS);

    const second = await spawnAppServer(url, { IB_SECRET_KEY: SECRET });
    apps.push(second);
    await until(view, (v) => v.status !== "running" && v.status !== "queued", "the job ends");
    const done = await request(second, "GET", `/api/v1/judge-jobs/${id}`, keys.admin);
    expect(done.json).toMatchObject({ status: "done", total: COMPLETIONS, done: COMPLETIONS, errors: 0 });
    expect((await view()).resumed).toBe(true);
    const { rows } = await db.query<{ verdicts: number; completions: number; pending: number }>(
      `SELECT (SELECT count(*)::int FROM policy_verdicts WHERE project_id = $1 AND judge_name = 'llm') AS verdicts,
              (SELECT count(DISTINCT (completion_id, guideline_version))::int FROM policy_verdicts WHERE project_id = $1 AND judge_name = 'llm') AS completions,
              (SELECT count(*)::int FROM completions WHERE project_id = $1 AND policy_verdict = 'pending') AS pending`,
      [projectId],
    );
    expect(rows[0]).toEqual({ verdicts: COMPLETIONS, completions: COMPLETIONS, pending: 0 });
    // Asked again: only what was in flight or answered but not yet stored when the server died
    // (at most the batch being filled and two being stored, 50 answers each, and the requests in flight).
    expect(model.requests.length).toBeGreaterThanOrEqual(COMPLETIONS);
    expect(model.requests.length).toBeLessThanOrEqual(COMPLETIONS + 3 * 50 + CONCURRENCY);
  }, 240_000);
});
