/**
 * Transactions that lose a race to a concurrent writer (a unique key taken in
 * the meantime, a deadlock, a serialization failure) are simply run again: the
 * one retry policy of the API and the import, through p-retry.
 */
import pRetry from "p-retry";

/** A transaction lost a race to a concurrent writer: running it again is the remedy. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** SQLSTATEs after which a transaction can be run again: unique violation, serialization failure, deadlock. */
const CONFLICT_STATES = new Set(["23505", "40001", "40P01"]);

/**
 * The SQLSTATE behind an error: pg's `code`, through `cause` chains, and the
 * original code that Prisma's driver adapter keeps in `meta.driverAdapterError`.
 */
export function sqlState(error: unknown): string {
  let current = error as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null;
  for (let depth = 0; current && depth < 5; depth++) {
    const original = current.meta?.driverAdapterError?.cause?.originalCode;
    if (typeof original === "string") return original;
    if (typeof current.code === "string" && /^[0-9A-Z]{5}$/.test(current.code)) return current.code;
    current = current.cause as typeof current;
  }
  return "";
}

export function isConflict(error: unknown): boolean {
  return error instanceof ConflictError || CONFLICT_STATES.has(sqlState(error));
}

/**
 * Runs `work` (a whole transaction) up to `attempts` times while it fails
 * with a conflict, after a short random pause that grows with each attempt.
 * Any other error, or the last conflict, is thrown as it is.
 */
export const CONFLICT_ATTEMPTS = 4;

export function retryConflicts<T>(work: () => Promise<T>, attempts = CONFLICT_ATTEMPTS): Promise<T> {
  return pRetry(work, { retries: attempts - 1, minTimeout: 20, factor: 2, maxTimeout: 500, randomize: true, shouldRetry: ({ error }) => isConflict(error) });
}
