/**
 * The judges' boundary: PUT /api/v1/judges/{name}, GET /api/v1/judges, the
 * judge jobs and `ib judge`, one schema each.
 */
import { z } from "zod";
import { completionFilterShape, unknownParameters } from "./filters";
import { isStorableText, NOT_STORABLE_MESSAGE } from "./text";

export const RUBRIC_JUDGE_NAME = "rubric";

export const judgeNameSchema = z
  .string()
  .trim()
  .min(1, "judge name must not be empty")
  .max(100, "judge name is at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "judge name must be letters, digits, '_', '.' or '-'");

/** Variables of a prompt template, each written `{{name}}`. */
export const PROMPT_VARIABLES = ["guideline", "conversation", "reply", "predicted_intent", "intent_label"] as const;

export const promptTemplateSchema = z
  .string()
  .min(1, "promptTemplate must not be empty")
  .max(20_000, "promptTemplate is at most 20,000 characters")
  .refine(isStorableText, `promptTemplate ${NOT_STORABLE_MESSAGE}`)
  .superRefine((template, ctx) => {
    const unknown = [...template.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!).filter((name) => !(PROMPT_VARIABLES as readonly string[]).includes(name));
    if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `unknown template variable${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `{{${n}}}`).join(", ")}; allowed: ${PROMPT_VARIABLES.map((n) => `{{${n}}}`).join(", ")}` });
    for (const needed of ["guideline", "reply"]) {
      if (!new RegExp(`\\{\\{\\s*${needed}\\s*\\}\\}`).test(template)) ctx.addIssue({ code: "custom", message: `the template must use {{${needed}}}` });
    }
  });

const baseUrlSchema = z
  .url({ protocol: /^https?$/, message: "baseUrl must be an http:// or https:// URL, such as https://api.openai.com/v1 or http://localhost:11434/v1" })
  .max(2000, "baseUrl is at most 2,000 characters")
  .transform((url) => url.replace(/\/+$/, ""));

/** The body of PUT /api/v1/judges/{name}. */
export const judgeConfigSchema = z
  .strictObject({
    kind: z.literal("openai", { error: "kind must be \"openai\" (the rubric judge is built in and needs no configuration)" }),
    baseUrl: baseUrlSchema.meta({ description: "An OpenAI-compatible API root, e.g. `https://api.openai.com/v1`, `http://localhost:8000/v1` (vLLM), `http://localhost:11434/v1` (Ollama)." }),
    model: z.string().trim().min(1, "model must not be empty").max(200, "model is at most 200 characters"),
    apiKey: z
      .string()
      .min(1, "apiKey must not be empty")
      .max(1000, "apiKey is at most 1,000 characters")
      .optional()
      .meta({ description: "Stored encrypted, shown masked. May be left out to keep the stored key, except when baseUrl changes." }),
    temperature: z.number().min(0, "temperature is 0 to 2").max(2, "temperature is 0 to 2").optional().meta({ description: "Sampling temperature, 0 to 2 (default: the server's)." }),
    timeoutMs: z.number().int("timeoutMs is a whole number of milliseconds").min(100, "timeoutMs is at least 100 ms").max(600_000, "timeoutMs is at most 600,000 ms (10 minutes)").default(30_000).meta({ description: "Per-request timeout in ms (default 30,000)." }),
    concurrency: z.number().int("concurrency is a whole number").min(1, "concurrency is at least 1").max(256, "concurrency is at most 256").default(4).meta({ description: "Requests in flight at once (default 4)." }),
    samples: z.number().int("samples is a whole number").min(1, "samples is at least 1").max(15, "samples is at most 15").default(1).meta({ description: "Self-consistency: this many answers per completion, the majority verdict wins (odd numbers avoid ties; a tie fails)." }),
    promptTemplate: promptTemplateSchema.optional().meta({ description: `Variables: ${PROMPT_VARIABLES.map((n) => `{{${n}}}`).join(", ")}. Default: a built-in template.` }),
  })
  .meta({ description: "An LLM judge on an OpenAI-compatible chat-completions endpoint." });
export type JudgeConfigInput = z.input<typeof judgeConfigSchema>;
export type JudgeConfig = z.output<typeof judgeConfigSchema>;

export const judgeListItemSchema = z.object({
  name: z.string(),
  kind: z.enum(["rubric", "openai"]),
  version: z.string().meta({ description: "Configuration version: one more on every change; verdicts record it." }),
  builtIn: z.boolean(),
  baseUrl: z.string().nullable(),
  model: z.string().nullable(),
  apiKey: z.string().nullable().meta({ description: "The key masked (`sk-…abcd`), or null when none is stored." }),
  temperature: z.number().nullable(),
  timeoutMs: z.number().int().nullable(),
  concurrency: z.number().int().nullable(),
  samples: z.number().int().nullable(),
  promptTemplate: z.string().nullable().meta({ description: "null: the built-in template." }),
  updatedAt: z.string().nullable(),
});
export type JudgeListItem = z.infer<typeof judgeListItemSchema>;
export const judgeListSchema = z.object({ judges: z.array(judgeListItemSchema) });
export const judgePutResultSchema = z.object({ judge: judgeListItemSchema, created: z.boolean(), changed: z.boolean() });

// ---------------------------------------------------------------------------
// The judges page's forms: the fields as typed, turned into the body of
// PUT /api/v1/judges/{name} and parsed by the same schema.

const typed = z.string().max(100_000, "at most 100,000 characters");
/** A blank field is left out: the stored key is kept, the default used, the built-in template chosen. */
const blankIsLeftOut = (text: string) => (text.trim() === "" ? undefined : text);
const typedNumber = (field: string) =>
  typed.transform((text, ctx) => {
    const trimmed = text.trim();
    if (trimmed === "") return undefined;
    const value = Number(trimmed);
    if (Number.isFinite(value)) return value;
    ctx.addIssue({ code: "custom", message: `${field} must be a number` });
    return z.NEVER;
  });

/** Which judge a form changes: `version` "" adds a new one, a version changes that version of it. */
export const judgeFormTargetSchema = z.object({
  name: judgeNameSchema,
  version: z.union([z.literal("").transform(() => null), z.string().regex(/^[1-9][0-9]{0,9}$/, "not a judge configuration version")]),
});

/** The judge form's settings, as the API would take them. */
export const judgeFormSchema = z
  .object({
    baseUrl: typed,
    model: typed,
    apiKey: typed.transform((text) => blankIsLeftOut(text.trim())),
    temperature: typedNumber("temperature"),
    timeoutMs: typedNumber("timeoutMs"),
    concurrency: typedNumber("concurrency"),
    samples: typedNumber("samples"),
    // A browser sends a textarea's line breaks as CRLF: stored as typed, an unchanged template would be a new version.
    promptTemplate: typed.transform((text) => blankIsLeftOut(text.replace(/\r\n?/g, "\n"))),
  })
  .transform((fields) => {
    const body: Record<string, unknown> = { kind: "openai" };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) body[key] = value;
    return body as JudgeConfigInput;
  })
  .pipe(judgeConfigSchema);

export const JUDGE_FORM_FIELDS = ["name", "version", "baseUrl", "model", "apiKey", "temperature", "timeoutMs", "concurrency", "samples", "promptTemplate"] as const;

/**
 * The primary-judge form: a judge's name, or "" for none (the most recent
 * verdict of any judge counts). Not judgeNameSchema: an imported verdict's
 * judge may be named anything up to 200 characters; the name is checked
 * against the judges that can count (lib/judging/primary.ts).
 */
export const primaryJudgeFormSchema = z.object({
  judge: z
    .string()
    .trim()
    .max(200, "a judge name is at most 200 characters")
    .transform((name) => (name === "" ? null : name)),
});

// ---------------------------------------------------------------------------
// Judge jobs

// A job's `judge` is the one judging; its scope cannot select by another judge's verdicts.
const { run: _run, judge: _viewed, ...otherFilters } = completionFilterShape;

/** POST /api/v1/judge-jobs: a judge, a run, and any filter of GET /api/v1/completions. */
export const judgeJobRequestSchema = z.strictObject({
  judge: judgeNameSchema,
  run: z
    .preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(z.string().trim().min(1).max(200)).min(1).max(100))
    .meta({ description: "Run name (or several)." }),
  ...otherFilters,
});
export type JudgeJobRequest = z.output<typeof judgeJobRequestSchema>;

export const JUDGE_JOB_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;

export const judgeJobSchema = z.object({
  id: z.number().int(),
  judge: z.string(),
  judgeVersion: z.string(),
  status: z.enum(JUDGE_JOB_STATUSES),
  total: z.number().int().meta({ description: "Completions in scope that lacked a verdict of this judge configuration when the job started." }),
  done: z.number().int().meta({ description: "Of those, judged (verdicts stored)." }),
  errors: z.number().int().meta({ description: "Completions the judge could not judge (no verdict stored for them)." }),
  requests: z.number().int().meta({ description: "Requests sent to the judge's endpoint." }),
  rate: z.number().nullable().meta({ description: "Completions per second since the job last started (a restart starts the count again)." }),
  etaSeconds: z.number().nullable(),
  failed: z.array(z.object({ completionId: z.number().int(), case: z.string(), run: z.string(), message: z.string() })).meta({ description: "The first 100 failures." }),
  message: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type JudgeJobView = z.infer<typeof judgeJobSchema>;

/** `?judge=J` on the metrics and case endpoints: one judge's verdicts alone. */
export const judgeViewQuerySchema = z.strictObject(
  // Any recorded judge name (imported verdicts name theirs freely, up to 200 characters), not only a configurable one.
  { judge: z.string().trim().min(1, "judge must not be empty").max(200, "judge is at most 200 characters").refine(isStorableText, `judge ${NOT_STORABLE_MESSAGE}`).optional().meta({ description: "Show this judge's verdicts alone: each completion's policy verdict is that judge's latest, pending where it has not judged. Without it, the counted verdict (the primary judge's, or the latest of any judge)." }) },
  { error: unknownParameters(["judge"]) },
);
export type JudgeViewQuery = z.output<typeof judgeViewQuerySchema>;
