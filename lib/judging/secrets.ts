/**
 * Judges' API keys at rest: AES-256-GCM (node:crypto) with the instance key,
 * stored as `v1:<iv>:<tag>:<ciphertext>` (base64). The instance key is
 * IB_SECRET_KEY, or on the embedded default a key generated once into
 * `<IB_DATA_DIR>/secret-key` (mode 0600). With DATABASE_URL and no
 * IB_SECRET_KEY there is no key, and storing a secret is refused: a key
 * generated on one app server would be unreadable on the next.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readEnv, type Env } from "../config";

export class SecretKeyMissing extends Error {
  override name = "SecretKeyMissing";
  constructor() {
    super("cannot store an API key: set IB_SECRET_KEY (32 bytes, 64 hex digits or base64) to encrypt secrets when DATABASE_URL is set");
  }
}

function parseKey(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
}

/** The instance key, or null when none may be used (DATABASE_URL without IB_SECRET_KEY). */
export function instanceKey(env: Env = readEnv()): Buffer | null {
  if (env.IB_SECRET_KEY) return parseKey(env.IB_SECRET_KEY);
  if (env.DATABASE_URL) return null;
  const file = path.resolve(env.IB_DATA_DIR, "secret-key");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error; // another process wrote it first
    }
  }
  chmodSync(file, 0o600);
  return parseKey(readFileSync(file, "utf8").trim());
}

/**
 * What a process that started the embedded server sets beside DATABASE_URL:
 * the data directory's key as IB_SECRET_KEY. Once DATABASE_URL points at the
 * embedded server, instanceKey cannot tell it from a shared one and would
 * refuse to store or read a judge's key.
 */
export function embeddedKeyEnv(env: Env = readEnv()): { IB_SECRET_KEY?: string } {
  if (env.IB_SECRET_KEY || env.DATABASE_URL) return {};
  return { IB_SECRET_KEY: instanceKey(env)!.toString("hex") };
}

export function encryptSecret(plain: string, key: Buffer | null = instanceKey()): string {
  if (!key) throw new SecretKeyMissing();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

export function decryptSecret(stored: string, key: Buffer | null = instanceKey()): string {
  if (!key) throw new SecretKeyMissing();
  const [version, iv, tag, data] = stored.split(":");
  if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("stored secret has an unknown format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
}

/** What may be shown of a secret: its first three and last four characters (`sk-…abcd`), less when short. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return "…" + secret.slice(-Math.min(2, Math.floor(secret.length / 4)));
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}
