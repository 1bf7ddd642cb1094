import { describe, expect, it } from "vitest";
import { batchedLookup } from "./batched-lookup";

/** A read that records its calls and is finished by the test, so the order of events is the test's to choose. */
function controlledRead() {
  const calls: { keys: string[]; finish: (error?: Error) => void }[] = [];
  const read = (keys: string[]) =>
    new Promise<Map<string, string>>((resolve, reject) => {
      calls.push({ keys, finish: (error) => (error ? reject(error) : resolve(new Map(keys.map((key) => [key, `value of ${key}`])))) });
    });
  return { calls, read };
}

/** Resolves once `n` reads have started. */
async function readsStarted(calls: unknown[], n: number): Promise<void> {
  await expect.poll(() => calls.length).toBe(n);
}

describe("batchedLookup", () => {
  it("answers the lookups of one turn of the event loop with one read of all their keys", async () => {
    const { calls, read } = controlledRead();
    const lookup = batchedLookup(read);
    const answers = Promise.all([lookup("a"), lookup("b"), lookup("a")]);
    await readsStarted(calls, 1);
    expect(calls[0]!.keys).toEqual(["a", "b"]);
    calls[0]!.finish();
    expect(await answers).toEqual(["value of a", "value of b", "value of a"]);
    expect(calls).toHaveLength(1);
  });

  it("answers a lookup made while a read runs with the next read, started after the running one finished", async () => {
    const { calls, read } = controlledRead();
    const lookup = batchedLookup(read);
    const first = lookup("a");
    await readsStarted(calls, 1);
    const late = [lookup("a"), lookup("c")];
    // The running read was asked before these lookups: it must not answer them, and no second read overlaps it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    expect(await first).toBe("value of a");
    await readsStarted(calls, 2);
    expect(calls[1]!.keys).toEqual(["a", "c"]);
    calls[1]!.finish();
    expect(await Promise.all(late)).toEqual(["value of a", "value of c"]);
  });

  it("answers undefined for a key the read did not find", async () => {
    const lookup = batchedLookup(async () => new Map([["a", 1]]));
    expect(await Promise.all([lookup("a"), lookup("zzz")])).toEqual([1, undefined]);
  });

  it("rejects the lookups of a failed read, and the next lookups get a read of their own", async () => {
    const { calls, read } = controlledRead();
    const lookup = batchedLookup(read);
    const failed = lookup("a");
    await readsStarted(calls, 1);
    const next = lookup("b");
    calls[0]!.finish(new Error("connection lost"));
    await expect(failed).rejects.toThrow("connection lost");
    await readsStarted(calls, 2);
    expect(calls[1]!.keys).toEqual(["b"]);
    calls[1]!.finish();
    expect(await next).toBe("value of b");
  });
});
