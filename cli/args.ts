import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";

/** A mistake in how a command was called; printed without a stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** node:util parseArgs for the shape, then zod for the values. */
export function parseOptions<S extends z.ZodType>(args: string[], options: NonNullable<ParseArgsConfig["options"]>, schema: S): { values: z.output<S>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) {
    throw new UsageError(result.error.issues.map((issue) => `--${issue.path.join(".")}: ${issue.message}`).join("\n"));
  }
  return { values: result.data, positionals: parsed.positionals };
}
