/**
 * Running one judge job's scope (lib/judging/jobs.ts holds the job around
 * it): the completions lacking a verdict are read a page ahead, judged (the
 * rubric inline; for the LLM judge, what the judge cache answers is stored
 * from it per page in one statement, and the rest goes through a queue of
 * `concurrency` requests in flight, identical inputs asked once in a job:
 * ./shared-answers.ts, and once between jobs running at once: ./claims.ts)
 * and stored in batches beside the judging, each batch in one transaction
 * with the job's progress. At most two batches, and two pages' cache answers,
 * are being stored at once, side by side (PostgreSQL works on them together;
 * the aggregates' rows they share are locked in one order, so one waits for
 * another there and never deadlocks); judging waits when stores fall behind.
 * A cancel is seen when a batch is stored, or within a second (HOLD_MS): the
 * queued requests are dropped, the answers in flight are stored.
 */
import PQueue from "p-queue";
import type pg from "pg";
import type { CompletionFilter } from "../validations/filters";
import type { ResolvedJudge } from "./judges";
import { createLlmJudge, JudgeError, type RetryPolicy } from "./llm";
import { FORMAT_ERROR_RATIONALE, judgeWithRubric } from "./rubric";
import type { InputClaims } from "./claims";
import { storeBatch, storeCacheHits, type Judged } from "./job-store";
import { lackingVerdicts, type LackingTarget } from "./scope";
import { SharedAnswers } from "./shared-answers";
import type { NewVerdict } from "./store";

export const UNKNOWN_INTENT_RATIONALE = "unknown intent";
/** Verdicts that took requests per stored batch. */
const FLUSH_EVERY = 50;
/** Answers that took requests are stored at least this often, however few: their inputs stay claimed until then (./claims.ts). */
const HOLD_MS = 1000;
/** Verdicts per stored batch at most: a page's worth (./scope.ts), cheaper per verdict than 2,000 (README, "Judge jobs, measured"). */
const BATCH_LIMIT = 4000;

export interface RunOptions {
  retry?: RetryPolicy;
  /** Called after each stored batch; `heldAnswers`: LLM answers kept in memory for identical inputs still to come. */
  onProgress?: (view: { done: number; errors: number; total: number; heldAnswers: number }) => void;
  /** Completions read per page (tests use small pages to span many). */
  pageSize?: number;
}

interface ScopeJob extends RunOptions {
  db: pg.Pool;
  jobId: number;
  projectId: number;
  judge: ResolvedJudge;
  scope: CompletionFilter;
  /** The job has recorded errors before (a completion judged now may be one of them). */
  hadErrors: boolean;
  /**
   * On a job's first start (./jobs.ts): `ready` is awaited before each batch's transaction begins (the job's
   * total, counted beside the first pages), and `record` runs in it before the job's counters move.
   */
  start?: { ready(): Promise<unknown>; record(client: pg.PoolClient): Promise<void> };
  /** Inputs asked by this job, claimed against other jobs asking them at once (./claims.ts). */
  claims?: InputClaims;
}

function fixedVerdict(t: LackingTarget): NewVerdict | null {
  if (t.reply === null) return { completionId: t.id, key: t.key, verdict: "fail", rationale: FORMAT_ERROR_RATIONALE, agreement: null, guidelineVersion: null, cache: false };
  if (t.guideline === null) return { completionId: t.id, key: t.key, verdict: "fail", rationale: UNKNOWN_INTENT_RATIONALE, agreement: null, guidelineVersion: null, cache: false };
  return null;
}

/** Reads the next page while the current one is judged. */
async function* readAhead<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = source.next();
      yield result.value;
    }
  } finally {
    await next.catch(() => undefined);
    await source.return(undefined);
  }
}

/** Judges and stores what the job's scope lacks; "cancelled" when the job was cancelled meanwhile. */
export async function judgeScope(job: ScopeJob): Promise<"done" | "cancelled"> {
  const { db, jobId: id, projectId, judge, scope } = job;
  const identity = { name: judge.name, version: judge.version };
  const judgeOne = judgeFunction(judge, job.retry);
  const queue = new PQueue({ concurrency: judge.kind === "openai" ? judge.concurrency : 1 });
  /** Batches being stored, each in a transaction of its own (at most two at once), and pages' cache answers. */
  const storing = new Set<Promise<void>>();
  const pageStores = new Set<Promise<unknown>>();
  let buffer: Judged[] = [];
  let asked = 0; // verdicts in `buffer` that took requests
  let cancelled = false;
  let failure: unknown = null;
  let reported = 0;
  let hadErrors = job.hadErrors;
  // Identical inputs in one job are asked once, their answers held only until the judge cache has them.
  const shared = new SharedAnswers<Judged | null>();
  /** A fault of ours (not a judge's answer: those are Judged values), which ends the job; the first one is kept. */
  const fail = (error: unknown) => {
    failure ??= error;
  };
  const stopping = () => cancelled || failure !== null;
  const flush = () => {
    const batch = buffer;
    buffer = [];
    asked = 0;
    const sent = judgeOne.requests();
    const newRequests = sent - reported;
    reported = sent;
    hadErrors ||= batch.some((j) => !j.ok);
    const errorsBefore = hadErrors;
    const store = async () => {
      try {
        if (failure) return;
        await job.start?.ready();
        const counters = await storeBatch(db, projectId, id, identity, batch, newRequests, errorsBefore, job.start?.record);
        shared.committedBatch(batch.flatMap((j) => (j.ok && j.verdict.cache ? [j.verdict.key] : [])));
        cancelled ||= counters.status === "cancelled";
        job.onProgress?.({ done: counters.done, errors: counters.errors, total: counters.total, heldAnswers: shared.size });
      } catch (error) {
        fail(error);
      }
      // Committed (an answer or an error), or never to be: either way another job may have the inputs now.
      await job.claims?.release(batch.map((j) => (j.ok ? j.verdict.key : j.key))).catch(fail);
    };
    const stored = store();
    storing.add(stored);
    void stored.finally(() => storing.delete(stored));
  };
  // Answers that took requests are stored FLUSH_EVERY at a time (what a crash can cost in requests); the
  // others, which cost nothing to redo, in batches of up to BATCH_LIMIT, where storing costs least per verdict.
  const full = () => asked >= FLUSH_EVERY || buffer.length >= BATCH_LIMIT;
  // Claimed inputs' answers are stored within HOLD_MS, so a job waiting for one of them (or two jobs waiting for
  // each other's) waits at most that long, plus the store. With nothing to store, the job's status is read instead:
  // a cancel is seen within HOLD_MS even while every request waits (for the judge, or for another job's answer).
  let reading = false;
  const holding = setInterval(() => {
    if (asked > 0 && storing.size <= 1) return flush();
    if (reading || stopping()) return;
    reading = true;
    db.query<{ status: string }>("SELECT status::text FROM judge_jobs WHERE id = $1", [id]).then(
      ({ rows }) => {
        cancelled ||= (rows[0]?.status ?? "cancelled") === "cancelled"; // a job deleted meanwhile ends too
        reading = false;
      },
      () => (reading = false), // the next store meets the same fault, and ends the job with it
    );
  }, HOLD_MS).unref();
  /** The judge's answer; for an input another job asks meanwhile, its answer from the cache; null: the job ends first. */
  const ask = async (t: LackingTarget): Promise<Judged | null> => {
    const claimed = job.claims ? await job.claims.claim(t.key, stopping) : null;
    if (claimed === "stopped") return null;
    if (!claimed && stopping()) {
      await job.claims?.release([t.key]); // the job ended while it waited: nothing more is sent
      return null;
    }
    if (!claimed) return judgeOne.judge(t);
    return { ok: true, asked: false, verdict: { completionId: t.id, key: t.key, ...claimed, guidelineVersion: t.guideline!.version, cache: true } };
  };

  /** Judges (or queues for the judge) what a page still needs; stops early on a cancel or a fault. */
  const judgeTargets = async (targets: readonly LackingTarget[]) => {
    for (const t of targets) {
      if (stopping()) return;
      const fixed = fixedVerdict(t);
      if (fixed) {
        buffer.push({ ok: true, asked: false, verdict: fixed });
      } else if (judge.kind === "rubric") {
        buffer.push(rubricVerdict(t)); // no request to wait for
      } else {
        await queue.onSizeLessThan(queue.concurrency * 4);
        if (stopping()) return;
        shared.queue(t.key);
        void queue
          .add(async () => {
            const answer = await shared.answer(t.key, () => ask(t)); // awaited before reading `buffer`: a flush may have replaced it meanwhile
            if (!answer) return;
            const judged = forCompletion(answer, t.id);
            buffer.push(judged);
            if (judged.asked) asked += 1;
            if (full() && storing.size <= 1) void flush();
          })
          .catch(fail);
      }
      // Storing runs beside judging; judging waits only when stores fall behind (for the oldest to finish).
      if (full()) void flush();
      while (storing.size > 1) await Promise.race(storing);
    }
  };

  /**
   * For the LLM judge, what the judge cache answers is stored straight from
   * it, a page per statement with the job's progress (./store.ts), and the
   * rest of the page goes to the judge once that is done. Two pages' stores
   * run at once: the older page's rest is judged while the newer one's runs.
   * Answers committed before a store began are in the cache for good.
   */
  const storeHits = (page: LackingTarget[]): Promise<Set<number> | null> => {
    const answerable = page.filter((t) => fixedVerdict(t) === null);
    if (answerable.length === 0) return Promise.resolve(new Set());
    const stored = Promise.resolve(job.start?.ready())
      .then(() => storeCacheHits(db, projectId, id, identity, answerable, hadErrors, job.start?.record))
      .then(({ result, ids }) => {
        cancelled ||= result.status === "cancelled";
        job.onProgress?.({ done: result.done, errors: result.errors, total: result.total, heldAnswers: shared.size });
        return ids;
      })
      .catch((error: unknown) => {
        fail(error);
        return null;
      });
    pageStores.add(stored);
    void stored.finally(() => pageStores.delete(stored));
    return stored;
  };
  type Pending = { page: LackingTarget[]; committedBefore: number; hits: Promise<Set<number> | null> };
  const judgeRest = async ({ page, committedBefore, hits }: Pending) => {
    const ids = await hits;
    // Only now: every earlier page's rest is queued (a key one of them still needs is kept), and this page's
    // rest lacks what its cache read found, which includes every answer committed before it began.
    shared.forget(committedBefore);
    if (ids) await judgeTargets(page.filter((t) => !ids.has(t.id)));
  };
  try {
    let older: Pending | null = null;
    for await (const page of readAhead(lackingVerdicts(db, projectId, scope, identity, job.pageSize))) {
      if (stopping()) break;
      if (judge.kind !== "openai") {
        await judgeTargets(page);
        continue;
      }
      const committedBefore = shared.committed; // read before the page's cache read begins
      const newer = { page, committedBefore, hits: storeHits(page) };
      if (older) await judgeRest(older);
      older = newer;
    }
    if (older) await judgeRest(older);
  } catch (error) {
    fail(error);
  }
  // However the job ends: what is waiting is never sent (on a cancel or a fault), what is in flight is stored.
  if (stopping()) queue.clear();
  await queue.onIdle();
  flush();
  while (storing.size > 0) await Promise.race(storing);
  await Promise.all(pageStores); // a page's store the fault came before
  clearInterval(holding);
  judgeOne.close();
  if (failure) {
    await job.claims?.releaseAll().catch(() => undefined); // a fault of its connection ends its claims with it
    throw failure;
  }
  await job.claims?.releaseAll(); // none is left unless a release failed: then this throws too
  return cancelled ? "cancelled" : "done";
}

function forCompletion(judged: Judged, completionId: number): Judged {
  return judged.ok ? { ...judged, verdict: { ...judged.verdict, completionId } } : { ...judged, completionId };
}

interface JudgeFunction {
  judge(t: LackingTarget): Promise<Judged>;
  requests(): number;
  close(): void;
}

function rubricVerdict(t: LackingTarget): Judged {
  const result = judgeWithRubric(t.reply, t.guideline!.rubric);
  return { ok: true, asked: false, verdict: { completionId: t.id, key: t.key, ...result, agreement: null, guidelineVersion: t.guideline!.version, cache: false } };
}

function judgeFunction(judge: ResolvedJudge, retry: RetryPolicy | undefined): JudgeFunction {
  if (judge.kind === "rubric") return { requests: () => 0, judge: async (t) => rubricVerdict(t), close: () => undefined };
  const llm = createLlmJudge(judge, retry);
  return {
    requests: () => llm.requests,
    close: () => llm.close(),
    judge: async (t) => {
      try {
        const g = t.guideline!;
        const result = await llm.judge({ guideline: g.policy, messages: t.messages, reply: t.reply!, predictedIntent: t.predictedIntent!, intentLabel: g.label });
        return { ok: true, asked: true, verdict: { completionId: t.id, key: t.key, ...result, guidelineVersion: g.version, cache: true } };
      } catch (error) {
        if (error instanceof JudgeError) return { ok: false, asked: true, completionId: t.id, key: t.key, message: error.message };
        throw error;
      }
    },
  };
}
