import { describe, expect, it } from "vitest";
import { SharedAnswers } from "./shared-answers";

/** An ask that counts its calls and answers when told. */
function asker() {
  let calls = 0;
  let release: (answer: string) => void = () => undefined;
  return {
    ask: () => {
      calls += 1;
      return new Promise<string>((resolve) => (release = resolve));
    },
    answer: (answer: string) => release(answer),
    calls: () => calls,
  };
}

describe("SharedAnswers", () => {
  it("asks once for completions with the same key, each getting the answer", async () => {
    const shared = new SharedAnswers<string>();
    const judge = asker();
    shared.queue("k");
    shared.queue("k");
    const first = shared.answer("k", judge.ask);
    const second = shared.answer("k", judge.ask);
    judge.answer("pass");
    expect(await Promise.all([first, second])).toEqual(["pass", "pass"]);
    expect(judge.calls()).toBe(1);
  });

  it("lets an answer go once a page's cache read began after the batch that stored it committed", async () => {
    const shared = new SharedAnswers<string>();
    const judge = asker();
    shared.queue("k");
    const answered = shared.answer("k", judge.ask);
    judge.answer("pass");
    await answered;
    const readBeforeCommit = shared.committed; // a page whose cache read began before the commit
    shared.committedBatch(["k"]);
    shared.forget(readBeforeCommit);
    expect(shared.size).toBe(1); // that page may still hold the key without a cache hit
    shared.forget(shared.committed); // a page read after the commit finds it in the cache, as will every later one
    expect(shared.size).toBe(0);
  });

  it("keeps an answer that a completion queued before the commit still needs, so it is not asked again", async () => {
    const shared = new SharedAnswers<string>();
    const judge = asker();
    shared.queue("k");
    const first = shared.answer("k", judge.ask);
    // A copy of the input on a page read before the answer was stored: queued, not yet run.
    shared.queue("k");
    judge.answer("pass");
    await first;
    shared.committedBatch(["k"]);
    shared.forget(shared.committed); // a later page's read: every stored answer would be let go but this one
    expect(shared.size).toBe(1);
    expect(await shared.answer("k", judge.ask)).toBe("pass");
    expect(judge.calls()).toBe(1);
    shared.forget(shared.committed);
    expect(shared.size).toBe(0);
  });

  it("keeps answers that are not in the cache (failures, never stored)", async () => {
    const shared = new SharedAnswers<string>();
    const judge = asker();
    shared.queue("bad");
    const failed = shared.answer("bad", judge.ask);
    judge.answer("error");
    await failed;
    shared.committedBatch([]);
    shared.forget(shared.committed);
    expect(shared.size).toBe(1);
  });
});
