import { describe, expect, it } from "vitest";
import { ConcurrentCaseError } from "../ingest/store";
import { ConflictError, isConflict, retryConflicts, sqlState } from "./retry";

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe("isConflict", () => {
  it("is true for a lost race and false for anything else", () => {
    expect(isConflict(new ConcurrentCaseError())).toBe(true);
    expect(isConflict(pgError("23505"))).toBe(true);
    expect(isConflict(pgError("40001"))).toBe(true);
    expect(isConflict(pgError("40P01"))).toBe(true);
    expect(isConflict(new Error("wrapped", { cause: pgError("40P01") }))).toBe(true);
    expect(isConflict(pgError("22P02"))).toBe(false);
    expect(isConflict(pgError("ECONNREFUSED"))).toBe(false);
    expect(isConflict(new Error("a concurrent writer created the same case; retry the batch"))).toBe(false);
  });

  it("reads the SQLSTATE that Prisma's driver adapter keeps, not Prisma's own code", () => {
    const prismaError = Object.assign(new Error("Unique constraint failed"), { code: "P2002", meta: { driverAdapterError: { cause: { originalCode: "23505" } } } });
    expect(sqlState(prismaError)).toBe("23505");
    expect(isConflict(prismaError)).toBe(true);
  });
});

describe("retryConflicts", () => {
  it("runs the work again after a conflict, up to the number of attempts", async () => {
    let calls = 0;
    await expect(retryConflicts(async () => (++calls < 3 ? Promise.reject(new ConflictError("lost")) : "stored"))).resolves.toBe("stored");
    expect(calls).toBe(3);

    calls = 0;
    await expect(retryConflicts(async () => Promise.reject(new ConflictError(`lost ${++calls}`)), 2)).rejects.toThrow("lost 2");
    expect(calls).toBe(2);
  });

  it("throws any other error at once", async () => {
    let calls = 0;
    await expect(retryConflicts(async () => Promise.reject(pgError(`22${++calls}00`)))).rejects.toThrow("pg 22100");
    expect(calls).toBe(1);
  });
});
