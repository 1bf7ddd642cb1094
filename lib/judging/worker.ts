/**
 * The judge worker the app server runs (scripts/serve.ts, beside the search
 * indexer): judge jobs are delivered through pg-boss, a PostgreSQL-backed
 * queue, over our own pool. Every second it looks for jobs that are queued
 * or running but held by no process (new ones, and those of a process that
 * died: its advisory lock went with its connection) and sends each to the
 * queue; a worker takes one, runs it under the job's lock (lib/judging/jobs.ts)
 * and completes it. A duplicate delivery finds the lock held or the job
 * finished and does nothing, so delivery need only be at least once.
 */
import PgBoss from "pg-boss";
import type pg from "pg";
import { pool } from "../db/pool";
import { runJudgeJob, unheldJobs } from "./jobs";
import type { RetryPolicy } from "./llm";

const QUEUE = "judge-jobs";
/** A job sent but not yet taken is sent again after this long. */
const RESEND_MS = 30_000;

export interface JudgeWorker {
  stop(): Promise<void>;
}

export async function startJudgeWorker(options: { db?: pg.Pool; log?: (line: string) => void; sweepMs?: number; retry?: RetryPolicy } = {}): Promise<JudgeWorker> {
  const db = options.db ?? pool();
  const log = options.log ?? (() => undefined);
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => db.query(text, values) },
    schema: "pgboss",
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: 60,
  });
  boss.on("error", (error: Error) => log(`[ib] judge queue: ${error.message}`));
  await boss.start();
  await boss.createQueue(QUEUE).catch(() => undefined); // exists already
  const sent = new Map<number, number>();
  const running = new Set<Promise<unknown>>();

  await boss.work<{ jobId: number }>(QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async ([job]) => {
    if (!job) return;
    const work = runJudgeJob(db, job.data.jobId, { retry: options.retry }).finally(() => sent.delete(job.data.jobId));
    running.add(work);
    try {
      await work;
    } finally {
      running.delete(work);
    }
  });

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<void> = Promise.resolve();
  const sweep = () => {
    sweeping = (async () => {
      const now = Date.now();
      for (const id of await unheldJobs(db)) {
        if ((sent.get(id) ?? 0) > now - RESEND_MS) continue;
        sent.set(id, now);
        await boss.send(QUEUE, { jobId: id }, { retryLimit: 3, retryDelay: 5, expireInHours: 12 });
      }
    })()
      .catch((error: unknown) => log(`[ib] judge worker: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(sweep, options.sweepMs ?? 1_000).unref();
      });
  };
  sweep();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await sweeping;
      await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
    },
  };
}
