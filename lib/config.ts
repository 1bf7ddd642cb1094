import { z } from "zod";

/** Environment of the server, the CLI and the tests, parsed once. */
const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  IB_DATA_DIR: z.string().trim().min(1).default(".data"),
  IB_DB_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  IB_DEMO_CASES: z.coerce.number().int().min(0).max(1_000_000).default(1000),
});
export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new ConfigError(`invalid configuration:\n${problems}`);
  }
  return parsed.data;
}

/** An error whose message is meant for the person at the terminal, no stack trace. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
