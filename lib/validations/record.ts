import { z } from "zod";
import { intentIdSchema } from "./taxonomy";

/** Free metadata: a JSON object, kept small. */
const metadataSchema = z.record(z.string().max(200), z.json()).default({});

export const messageSchema = z
  .object({
    role: z.enum(["user", "assistant", "system"]),
    content: z.string().max(100_000, "message content is at most 100,000 characters"),
  })
  .strict();
export type Message = z.infer<typeof messageSchema>;

export const caseSchema = z
  .object({
    id: z.string().trim().min(1, "case id must not be empty").max(200),
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

export const runNameSchema = z.string().trim().min(1).max(200);

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
