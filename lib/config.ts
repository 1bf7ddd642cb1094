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
  /** Interface the web server listens on. */
  HOSTNAME: z.string().trim().min(1).default("0.0.0.0"),
  IB_DATA_DIR: z.string().trim().min(1).default(".data"),
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
