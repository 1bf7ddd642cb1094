import { z } from "zod";
import { intentIdSchema } from "./taxonomy";
import { isPathStep } from "./text";

/** Where in a JSON value a `__proto__` key is (as a path), or null. */
function protoKeyPath(root: unknown): (string | number)[] | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) value.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
    else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (key === "__proto__") return [...path, key];
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return null;
}

/**
 * Free metadata: a JSON object, kept small, stored exactly as sent. JavaScript
 * objects cannot carry a `__proto__` key through parsing (it would be dropped
 * silently), so such a key is refused, checked on the raw input.
 */
const metadataSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const path = protoKeyPath(value);
    if (path) ctx.addIssue({ code: "custom", path, message: "'__proto__' cannot be used as a metadata key: rename it" });
  })
  .pipe(z.record(z.string().max(200), z.json()))
  .default({});

/** An id or name that becomes a URL path segment (`/cases/{id}`, `/runs/{run}/metrics`). */
const pathName = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(200, `${what} is at most 200 characters`)
    .refine((value) => !isPathStep(value), `${what} cannot be '.' or '..': those are path steps in URLs, not names`);

export const messageSchema = z
  .object({
    role: z.enum(["user", "assistant", "system"]),
    content: z.string().max(100_000, "message content is at most 100,000 characters"),
  })
  .strict();
export type Message = z.infer<typeof messageSchema>;

export const caseSchema = z
  .object({
    id: pathName("case id"),
    messages: z
      .array(messageSchema)
      .min(1, "a case needs at least one message")
      .max(200)
      .refine((messages) => messages.at(-1)?.role === "user", "the last message must come from the user"),
    expectedIntent: intentIdSchema,
    tags: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    metadata: metadataSchema,
  })
  .strict();

export const importedPolicySchema = z
  .object({
    verdict: z.enum(["pass", "fail"]),
    rationale: z.string().max(10_000).default(""),
    judge: z.string().trim().min(1).max(200),
    judgeVersion: z.string().trim().max(100).optional(),
  })
  .strict();

export const runNameSchema = pathName("run name");

export const completionSchema = z
  .object({
    run: runNameSchema,
    model: z.string().trim().min(1).max(200),
    text: z.string().max(200_000, "completion text is at most 200,000 characters"),
    policy: importedPolicySchema.optional(),
    latencyMs: z.number().int().nonnegative().max(86_400_000).optional(),
    // Stored as PostgreSQL integer: larger counts would fail in the database instead of here.
    promptTokens: z.number().int().nonnegative().max(2_147_483_647).optional(),
    completionTokens: z.number().int().nonnegative().max(2_147_483_647).optional(),
    metadata: metadataSchema,
  })
  .strict();

export const recordSchema = z
  .object({
    case: caseSchema,
    completions: z.array(completionSchema).max(100).default([]),
  })
  .strict()
  .superRefine((record, ctx) => {
    const runs = new Set<string>();
    record.completions.forEach((completion, index) => {
      if (runs.has(completion.run)) {
        ctx.addIssue({
          code: "custom",
          path: ["completions", index, "run"],
          message: `run '${completion.run}' appears twice in this record: a case has at most one completion per run`,
        });
      }
      runs.add(completion.run);
    });
  });
export type RecordInput = z.input<typeof recordSchema>;
export type IngestRecord = z.output<typeof recordSchema>;
