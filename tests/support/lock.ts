import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A lock shared by test runs on one checkout: two runs building and serving
 * the same .next directory at once would break each other. A lock left by a
 * dead process is taken over.
 */
export async function acquireLock(dir: string, timeoutMs = 15 * 60_000): Promise<() => void> {
  const lock = path.resolve(dir);
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch {
      const owner = Number(readFileSync(path.join(lock, "pid"), "utf8").trim() || "0") || 0;
      let alive = false;
      try {
        if (owner) process.kill(owner, 0);
        alive = owner !== 0;
      } catch {
        alive = false;
      }
      if (!alive) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another test run holds ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
