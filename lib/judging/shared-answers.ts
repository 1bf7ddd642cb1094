/**
 * Identical inputs in one judge job (the same reply to the same conversation
 * in two runs) are asked once: the first completion with an input key asks,
 * the others share its answer. An answer is needed only until the judge cache
 * has it for every completion still to come, so it is let go then, and a job
 * of millions of completions holds only what is in flight.
 *
 * The cache is read once per page, just before the page is judged (the
 * answers it has are stored from it in the same statement: ./store.ts). An answer
 * stored by a batch that committed before a page's read began is in that
 * page's cache and in every later page's, so once such a read has happened it
 * is forgotten, unless a completion queued earlier (from a page read before
 * the commit) still holds its key: that one takes the shared answer when it
 * runs. Kept by judgeScope (./job-run.ts) in one process; nothing here
 * touches the database.
 */
/** A key now in the judge cache, with the count of batches committed when it got there. */
interface Stored {
  key: string;
  committed: number;
}

export class SharedAnswers<T> {
  readonly #answers = new Map<string, Promise<T>>();
  /** Completions queued with each key and not yet answered. */
  readonly #queued = new Map<string, number>();
  /** Answers in the judge cache, in the order they got there. */
  #stored: Stored[] = [];
  #committed = 0;

  /** Answers held in memory. */
  get size(): number {
    return this.#answers.size;
  }

  /** Batches committed so far: read it when a page's cache read begins, and pass it to `forget` after. */
  get committed(): number {
    return this.#committed;
  }

  /** A completion with `key` is queued to be judged. */
  queue(key: string): void {
    this.#queued.set(key, (this.#queued.get(key) ?? 0) + 1);
  }

  /** The answer for a queued completion: the one already asked for its key, or `ask()`'s. */
  async answer(key: string, ask: () => Promise<T>): Promise<T> {
    let shared = this.#answers.get(key);
    if (!shared) this.#answers.set(key, (shared = ask()));
    try {
      return await shared;
    } finally {
      const left = this.#queued.get(key)! - 1;
      if (left === 0) this.#queued.delete(key);
      else this.#queued.set(key, left);
    }
  }

  /** A batch committed, putting these keys' answers into the judge cache. */
  committedBatch(cachedKeys: Iterable<string>): void {
    this.#committed += 1;
    for (const key of cachedKeys) this.#stored.push({ key, committed: this.#committed });
  }

  /** A page's cache read began after `committedBefore` batches had committed: what they stored is let go. */
  forget(committedBefore: number): void {
    const keep: Stored[] = [];
    for (const entry of this.#stored) {
      if (entry.committed > committedBefore || this.#queued.has(entry.key)) keep.push(entry);
      else this.#answers.delete(entry.key);
    }
    this.#stored = keep;
  }
}
