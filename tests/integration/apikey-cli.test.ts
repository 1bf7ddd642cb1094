/**
 * `ib apikey`, run as a user runs it: a key's prefix is checked before the
 * database is asked, so a mistyped one is told apart from a key that is not
 * there (or no longer active).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ib } from "./cli";
import { useTestDatabase } from "./helpers";

useTestDatabase();

describe("ib apikey revoke", () => {
  it("refuses what is not a key prefix, revokes a key by its prefix once, then says it is not active", async () => {
    const project = `cli-keys-${randomBytes(4).toString("hex")}`;
    expect((await ib(["project", "create", project])).code).toBe(0);
    const created = await ib(["apikey", "create", "--project", project, "--scope", "read"]);
    expect(created.code, created.stderr).toBe(0);
    const prefix = /\(prefix ([a-z0-9]{12})\)/.exec(created.stdout)![1]!;

    const mistyped = await ib(["apikey", "revoke", "--project", project, prefix.toUpperCase()]);
    expect(mistyped.code).toBe(2);
    expect(mistyped.stderr).toContain(`'${prefix.toUpperCase()}' is not a key prefix`);
    expect((await ib(["apikey", "list", "--project", project])).stdout).toContain(`${prefix}\tread\t`);
    expect((await ib(["apikey", "list", "--project", project])).stdout).not.toContain("revoked");

    const revoked = await ib(["apikey", "revoke", "--project", project, prefix]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked key ${prefix}`);
    const again = await ib(["apikey", "revoke", "--project", project, prefix]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no active key with prefix '${prefix}'`);
  });
});
