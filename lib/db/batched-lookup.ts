/**
 * One database read for many concurrent lookups, each answered by a read that
 * started after it was asked: what keeps a per-request check exact (a change
 * committed before the request is seen) while a burst of requests costs one
 * round trip instead of one each.
 *
 * Lookups made in one turn of the event loop share the read that starts on
 * the next turn; lookups made while that read runs share the one after it. So
 * at most one read runs at a time, and a lookup waits for at most two.
 */
export type BatchedLookup<K, V> = (key: K) => Promise<V | undefined>;

export function batchedLookup<K, V>(read: (keys: K[]) => Promise<Map<K, V>>): BatchedLookup<K, V> {
  let running: Promise<unknown> = Promise.resolve();
  let collecting: { keys: Set<K>; result: Promise<Map<K, V>> } | null = null;

  return (key) => {
    if (!collecting) {
      const batch: { keys: Set<K>; result: Promise<Map<K, V>> } = { keys: new Set(), result: null as never };
      // After the running read (whatever its outcome) and one turn of the event loop, so the turn's lookups all join.
      batch.result = running
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => {
          collecting = null;
          return read([...batch.keys]);
        });
      running = batch.result.catch(() => undefined);
      collecting = batch;
    }
    collecting.keys.add(key);
    return collecting.result.then((found) => found.get(key));
  };
}
