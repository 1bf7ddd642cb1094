import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readEnv } from "../config";
import { SecretKeyMissing, decryptSecret, embeddedKeyEnv, encryptSecret, instanceKey, maskSecret } from "./secrets";

const key = Buffer.alloc(32, 7);

describe("judge secrets", () => {
  it("round-trips, with a fresh IV each time, and never stores the plain text", () => {
    const a = encryptSecret("sk-secret-value-1234", key);
    const b = encryptSecret("sk-secret-value-1234", key);
    expect(a).not.toBe(b);
    expect(a).not.toContain("secret-value");
    expect(decryptSecret(a, key)).toBe("sk-secret-value-1234");
  });

  it("refuses a tampered ciphertext or another key", () => {
    const stored = encryptSecret("sk-abc", key);
    const [v, iv, tag, data] = stored.split(":");
    const flipped = Buffer.from(data!, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64")].join(":"), key)).toThrow();
    expect(() => decryptSecret(stored, Buffer.alloc(32, 8))).toThrow();
  });

  it("masks: sk-…abcd", () => {
    expect(maskSecret("sk-proj-0123456789abcd")).toBe("sk-…abcd");
    expect(maskSecret("short")).toBe("…t");
  });

  it("takes IB_SECRET_KEY, generates a 0600 key file on the embedded default, refuses with DATABASE_URL alone", () => {
    expect(instanceKey(readEnv({ IB_SECRET_KEY: "ab".repeat(32) }))).toEqual(Buffer.alloc(32, 0xab));
    expect(() => readEnv({ IB_SECRET_KEY: "too-short" })).toThrow(/IB_SECRET_KEY/);
    const dir = mkdtempSync(path.join(tmpdir(), "ib-secret-"));
    const generated = instanceKey(readEnv({ IB_DATA_DIR: dir }));
    expect(generated?.length).toBe(32);
    expect(statSync(path.join(dir, "secret-key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, "secret-key"), "utf8").trim()).toBe(generated!.toString("hex"));
    expect(instanceKey(readEnv({ IB_DATA_DIR: dir }))).toEqual(generated);
    const none = instanceKey(readEnv({ DATABASE_URL: "postgresql://x/y", IB_DATA_DIR: dir }));
    expect(none).toBeNull();
    expect(() => encryptSecret("sk-x", none)).toThrow(SecretKeyMissing);
    expect(() => encryptSecret("sk-x", none)).toThrow(/set IB_SECRET_KEY/);
  });

  it("a process that started the embedded server keeps the data directory's key once DATABASE_URL points there", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ib-secret-"));
    const pinned = embeddedKeyEnv(readEnv({ IB_DATA_DIR: dir }));
    expect(pinned.IB_SECRET_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(pinned.IB_SECRET_KEY).toBe(readFileSync(path.join(dir, "secret-key"), "utf8").trim());
    // With the URL of the embedded server now set, the pinned key is the same key.
    expect(instanceKey(readEnv({ DATABASE_URL: "postgresql://127.0.0.1:1/ib", IB_DATA_DIR: dir, ...pinned }))).toEqual(Buffer.from(pinned.IB_SECRET_KEY!, "hex"));
    expect(embeddedKeyEnv(readEnv({ IB_DATA_DIR: dir, IB_SECRET_KEY: "cd".repeat(32) }))).toEqual({});
    expect(embeddedKeyEnv(readEnv({ IB_DATA_DIR: dir, DATABASE_URL: "postgresql://x/y" }))).toEqual({});
  });
});
