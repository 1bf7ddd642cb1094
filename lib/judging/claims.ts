/**
 * Claims on judge inputs across jobs: two jobs running at once (the server's
 * worker and `ib judge`, or two servers) over runs with the same inputs ask
 * the judge for each input once between them. Within one job identical
 * inputs are asked once already (./shared-answers.ts), and an answer in the
 * judge cache is never asked again; a claim covers the time between, from
 * just before a request is sent until its answer is committed to the cache.
 *
 * A claim is a session-level PostgreSQL advisory lock on the input's key,
 * taken on the connection the job's runner holds for the whole run (./jobs.ts),
 * so a process that dies lets go of its claims with its connection, and the
 * input is asked again by whoever needs it. A job that finds an input claimed
 * by another waits for that claim to go, then reads the cache: the other
 * job's answer is there (it lets go only after committing it), or, when the
 * other job got no answer (a judge error, or it died), this job asks. A job
 * stores the answers it asked within a second (./job-run.ts), so a wait is
 * short, and two jobs waiting for each other's inputs both get them.
 *
 * A job holds at most its requests in flight plus the answers not yet
 * committed (a few batches of 50) as claims; PostgreSQL's lock table holds
 * `max_locks_per_transaction` x `max_connections` locks in all (6,400 by
 * default).
 */
import PQueue from "p-queue";
import type pg from "pg";
import type { CachedVerdict } from "./store";

/** How soon a job looks again at an input another job has claimed: first after 25 ms, then twice as long each time, up to 400 ms. */
const POLL_FIRST_MS = 25;
const POLL_MAX_MS = 400;

/** The advisory lock's key: the input key's first 64 bits, mixed with the project's id (each project has its own cache). */
function lockKey(projectId: number, key: string): string {
  return BigInt.asIntN(64, BigInt(`0x${key.slice(0, 16)}`) ^ BigInt(projectId)).toString();
}

/** A claim being tried: resolves with the cached answer, null (claimed), or undefined (another job holds it). */
interface Attempt {
  key: string;
  lock: string;
  settle(result: CachedVerdict | null | undefined): void;
  fail(error: unknown): void;
}

export class InputClaims {
  readonly #client: pg.ClientBase;
  readonly #projectId: number;
  /** A client runs one query at a time: the claims' queries take turns. */
  readonly #turns = new PQueue({ concurrency: 1 });
  /** Input keys claimed by this job -> their lock keys. */
  readonly #held = new Map<string, string>();
  /**
   * Claims asked for while the client was busy: tried together on its next
   * turn, two round trips for all of them (one each cost a job with a fast
   * judge half its rate).
   */
  #attempts: Attempt[] = [];

  constructor(client: pg.ClientBase, projectId: number) {
    this.#client = client;
    this.#projectId = projectId;
  }

  /** Claims held now. */
  get size(): number {
    return this.#held.size;
  }

  /**
   * Claims `key` for this job. Resolves null when this job holds the claim
   * and the cache has no answer (the job asks the judge, and lets go with
   * `release` once the answer or the error is committed), or with the cached
   * answer, stored by another job meanwhile (nothing is held then). While
   * another job holds the claim, it is tried again, less often as the wait
   * goes on, until `stop()` says this job no longer needs it: "stopped".
   * A key claimed again while held (a job asks each input once at a time:
   * ./shared-answers.ts) resolves null again, and one `release` lets it go.
   */
  async claim(key: string, stop: () => boolean): Promise<CachedVerdict | null | "stopped"> {
    const lock = lockKey(this.#projectId, key);
    for (let pause = POLL_FIRST_MS; ; pause = Math.min(pause * 2, POLL_MAX_MS)) {
      const result = await new Promise<CachedVerdict | null | undefined>((settle, fail) => {
        if (this.#attempts.push({ key, lock, settle, fail }) === 1) void this.#turns.add(() => this.#tryAttempts());
      });
      if (result !== undefined) return result;
      if (stop()) return "stopped";
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Tries every claim asked for since the last turn: takes the free ones, then reads the cache for those taken. */
  async #tryAttempts(): Promise<void> {
    const attempts = this.#attempts;
    this.#attempts = [];
    // Each key is locked once: a session's advisory locks count, and one release would leave a second lock held.
    // A key this job holds already, or tried twice in this turn, shares the one result.
    const results = new Map<string, CachedVerdict | null | undefined>();
    for (const a of attempts) if (this.#held.has(a.key)) results.set(a.key, null);
    const tried = [...new Map(attempts.filter((a) => !results.has(a.key)).map((a) => [a.key, a])).values()];
    try {
      if (tried.length > 0) {
        const { rows } = await this.#client.query<{ got: boolean }>({ name: "ib-claim-inputs", text: "SELECT pg_try_advisory_lock(k) AS got FROM unnest($1::bigint[]) WITH ORDINALITY AS x(k, n) ORDER BY n", values: [tried.map((a) => a.lock)] });
        const taken = tried.filter((_, i) => rows[i]!.got);
        // Read after the claims are taken: a job lets go only after its answer committed, so it is seen here.
        const { rows: answers } = taken.length === 0 ? { rows: [] } : await this.#client.query<CachedVerdict & { key: string }>({ name: "ib-claimed-answers", text: "SELECT key, verdict, rationale, agreement FROM judge_cache WHERE project_id = $1 AND key = ANY($2::text[])", values: [this.#projectId, taken.map((a) => a.key)] });
        const cached = new Map(answers.map(({ key, ...answer }) => [key, answer]));
        const answered = taken.filter((a) => cached.has(a.key));
        if (answered.length > 0) await this.#unlock(answered.map((a) => a.lock));
        for (const a of taken) if (!cached.has(a.key)) this.#held.set(a.key, a.lock);
        for (const [i, a] of tried.entries()) results.set(a.key, rows[i]!.got ? (cached.get(a.key) ?? null) : undefined);
      }
      for (const a of attempts) a.settle(results.get(a.key));
    } catch (error) {
      for (const a of attempts) a.fail(error);
    }
  }

  /** Lets go of these keys' claims (their answers or errors are committed); keys not held are skipped. */
  async release(keys: Iterable<string>): Promise<void> {
    const locks: string[] = [];
    for (const key of keys) {
      const lock = this.#held.get(key);
      if (lock === undefined) continue;
      this.#held.delete(key);
      locks.push(lock);
    }
    if (locks.length > 0) await this.#turns.add(() => this.#unlock(locks));
  }

  /** Unlocks these lock keys, on the client's turn. */
  async #unlock(locks: string[]): Promise<void> {
    await this.#client.query("SELECT pg_advisory_unlock(k) FROM unnest($1::bigint[]) AS k", [locks]);
  }

  /** Lets go of every claim (the job ends; what was not committed is asked again by whoever needs it). */
  async releaseAll(): Promise<void> {
    await this.release([...this.#held.keys()]);
  }
}
