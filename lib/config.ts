import { z } from "zod";

const count = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const milliseconds = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** Environment of the server, the CLI and the tests: every variable the app reads, validated here and nowhere else. */
const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Interface the web server listens on (0.0.0.0 or :: for every interface). */
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  /** The address users reach the app at, for links and cookies (Secure when https). Default http://localhost:PORT. */
  IB_PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Signs session cookies; generated and kept in the database when unset. At least 32 characters. */
  IB_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional().or(z.literal("").transform(() => undefined)),
  /** With IB_ADMIN_PASSWORD: `npm start` creates or updates this instance admin. */
  IB_ADMIN_EMAIL: z.email("must be an email address").optional().or(z.literal("").transform(() => undefined)),
  IB_ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").max(256).optional().or(z.literal("").transform(() => undefined)),
  /** Behind a reverse proxy that sets X-Forwarded-For: trust it for the client's address (sign-in limits, sessions). */
  IB_TRUST_PROXY: z.enum(["0", "1", "true", "false"]).default("0").transform((value) => value === "1" || value === "true"),
  IB_DATA_DIR: z.string().trim().min(1).default(".data"),
  /**
   * Encrypts judges' API keys at rest (AES-256-GCM): 32 bytes as 64 hex digits or base64. Unset on the
   * embedded default: generated into <IB_DATA_DIR>/secret-key; unset with DATABASE_URL: no secret can be stored.
   */
  IB_SECRET_KEY: z
    .string()
    .trim()
    .refine((value) => /^[0-9a-fA-F]{64}$/.test(value) || Buffer.from(value, "base64").length === 32, "must be 32 bytes as 64 hex digits or base64")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  IB_DB_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  IB_DEMO_CASES: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  /** Next.js build directory, relative to the checkout (a second server can run beside the main one). */
  IB_DIST_DIR: z.string().trim().regex(/^[\w.-]+$/, "must be a directory name inside the checkout").default(".next"),
  /** API requests one project may have in progress (after their bodies arrived); beyond: 429. */
  IB_API_MAX_INFLIGHT_PER_PROJECT: count(1, 10_000, 16),
  /** API requests in progress across all projects; beyond: 429. */
  IB_API_MAX_INFLIGHT: count(1, 100_000, 64),
  /** A request body must arrive completely within this time, or the request is answered 408. */
  IB_API_BODY_TIMEOUT_MS: milliseconds(100, 600_000, 30_000),
  /** Request headers must arrive within this time (Node closes the connection with 408 otherwise). */
  IB_HTTP_HEADERS_TIMEOUT_MS: milliseconds(100, 600_000, 20_000),
  /** An idle keep-alive connection is closed after this time. */
  IB_HTTP_KEEPALIVE_TIMEOUT_MS: milliseconds(100, 600_000, 5_000),
});
export type Env = z.infer<typeof envSchema>;

/**
 * Parses the environment. Cheap enough to call where a value is needed (the
 * command line sets DATABASE_URL after it started the embedded server, so it
 * is not read once at import).
 */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    // Names the variable, not its value (DATABASE_URL may hold a password).
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** An error whose message is meant for the person at the terminal, no stack trace. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
