/**
 * The LLM judge: one OpenAI-compatible chat-completions endpoint through the
 * official `openai` client. It asks for `{verdict, rationale}` with a JSON
 * schema response format and validates the answer with zod whatever the
 * server did with that request. One retry layer (p-retry; the client's own
 * retries are off): 429 (waiting at least its Retry-After), 5xx, timeouts,
 * dropped connections, and answers that are not a valid verdict (empty choice
 * list, malformed JSON, a verdict outside the schema) are tried again with
 * backoff; when the attempts run out the completion gets a JudgeError, never
 * a verdict. Other 4xx answers (a bad key, an unknown model) are not retried.
 * With `samples` N the judge asks N times and the majority verdict wins (a
 * tie fails); `agreement` is the majority's share.
 */
import OpenAI, { APIConnectionError, APIError } from "openai";
import PQueue from "p-queue";
import pRetry, { AbortError } from "p-retry";
import { z } from "zod";
import { keepAliveFetch } from "../net/keep-alive-fetch";
import type { ResolvedJudge } from "./judges";
import { renderPrompt, type PromptInput } from "./prompt";

export const verdictOutputSchema = z.strictObject({ verdict: z.enum(["pass", "fail"]), rationale: z.string().trim().min(1).max(4000) });

const RESPONSE_FORMAT = {
  type: "json_schema",
  json_schema: {
    name: "policy_verdict",
    strict: true,
    schema: {
      type: "object",
      properties: { verdict: { type: "string", enum: ["pass", "fail"] }, rationale: { type: "string" } },
      required: ["verdict", "rationale"],
      additionalProperties: false,
    },
  },
} as const;

export type LlmJudgeConfig = Extract<ResolvedJudge, { kind: "openai" }>;

export interface LlmVerdict {
  verdict: "pass" | "fail";
  rationale: string;
  agreement: number;
}

/** The judge gave no usable verdict after every attempt. */
export class JudgeError extends Error {
  override name = "JudgeError";
}

/** The answer arrived but is not a verdict: worth asking again. */
class InvalidOutput extends Error {
  override name = "InvalidOutput";
}

export interface RetryPolicy {
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Longest Retry-After honoured; a longer one is waited only this long. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minTimeoutMs: 250, maxTimeoutMs: 10_000, maxRetryAfterMs: 60_000 };

/** Parses a chat completion's first choice into a verdict, or says why it is not one. */
export function parseVerdict(content: string | null | undefined): z.infer<typeof verdictOutputSchema> {
  if (content === null || content === undefined || content.trim() === "") throw new InvalidOutput("empty answer");
  // Some servers wrap JSON in a Markdown fence even when asked for JSON only.
  const text = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, "$1");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidOutput(`answer is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  const parsed = verdictOutputSchema.safeParse(json);
  if (!parsed.success) throw new InvalidOutput(`answer is not a verdict: ${parsed.error.issues.map((i) => `${i.path.join(".") || "answer"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

function retryAfterMs(error: unknown, cap: number): number {
  if (!(error instanceof APIError) || !error.headers) return 0;
  const header = error.headers.get("retry-after-ms") ?? null;
  if (header !== null && Number.isFinite(Number(header))) return Math.min(cap, Number(header));
  const value = error.headers.get("retry-after");
  if (value === null) return 0;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Math.max(0, Math.min(cap, ms));
}

function describe(error: unknown): string {
  if (error instanceof APIError && error.status !== undefined) return `HTTP ${error.status}: ${error.message}`;
  if (error instanceof APIConnectionError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

const retryable = (error: unknown) =>
  error instanceof InvalidOutput || error instanceof APIConnectionError || (error instanceof APIError && (error.status === 429 || error.status === 408 || (error.status ?? 0) >= 500));

export interface LlmJudge {
  judge(input: PromptInput): Promise<LlmVerdict>;
  /** Requests sent so far (each attempt counts). */
  readonly requests: number;
  /** Closes the connections kept open to the server. */
  close(): void;
}

/**
 * Response formats from the strictest down: a server that refuses one (400 or
 * 422: older Ollama and some proxies know no JSON schema) is asked with the
 * next, and the judge keeps to what worked. The answer is validated the same
 * way whatever the format.
 */
const FORMATS = [RESPONSE_FORMAT, { type: "json_object" } as const, null] as const;

export function createLlmJudge(config: LlmJudgeConfig, retry: RetryPolicy = DEFAULT_RETRY): LlmJudge {
  // Connections are kept open and reused (lib/net/keep-alive-fetch.ts says why not the global fetch).
  const http = keepAliveFetch();
  const client = new OpenAI({ baseURL: config.baseUrl, apiKey: config.apiKey || "none", timeout: config.timeoutMs, maxRetries: 0, fetch: http.fetch });
  // `concurrency` bounds the requests in flight, whatever asks: a job's completions and each one's samples.
  // A wait before a retry (Retry-After, backoff) holds no place.
  const inFlight = new PQueue({ concurrency: config.concurrency });
  let requests = 0;
  let format = 0;

  async function create(prompt: string) {
    for (;;) {
      const used = format;
      const responseFormat = FORMATS[used];
      try {
        return await inFlight.add(() => {
          requests += 1;
          return client.chat.completions.create({
            model: config.model,
            messages: [{ role: "user", content: prompt }],
            ...(config.temperature === null ? {} : { temperature: config.temperature }),
            ...(responseFormat ? { response_format: responseFormat } : {}),
          });
        });
      } catch (error) {
        const refused = error instanceof APIError && (error.status === 400 || error.status === 422);
        if (!refused || used === FORMATS.length - 1) throw error;
        if (format === used) format = used + 1;
      }
    }
  }

  async function ask(prompt: string): Promise<z.infer<typeof verdictOutputSchema>> {
    return pRetry(
      async () => {
        let completion;
        try {
          completion = await create(prompt);
        } catch (error) {
          throw retryable(error) ? error : new AbortError(new JudgeError(`not retried: ${describe(error)}`));
        }
        const choice = completion?.choices?.[0];
        if (!choice) throw new InvalidOutput("answer has no choices");
        return parseVerdict(choice.message?.content);
      },
      {
        retries: retry.retries,
        minTimeout: retry.minTimeoutMs,
        maxTimeout: retry.maxTimeoutMs,
        factor: 2,
        randomize: true,
        onFailedAttempt: async ({ error, retriesLeft }) => {
          const wait = retriesLeft > 0 ? retryAfterMs(error, retry.maxRetryAfterMs) : 0;
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        },
      },
    ).catch((error: unknown) => {
      throw error instanceof JudgeError ? error : new JudgeError(`no verdict after ${retry.retries + 1} attempts: ${describe(error)}`);
    });
  }

  return {
    get requests() {
      return requests;
    },
    close: http.close,
    async judge(input) {
      const prompt = renderPrompt(config.promptTemplate, input);
      const answers = await Promise.all(Array.from({ length: config.samples }, () => ask(prompt)));
      const passes = answers.filter((answer) => answer.verdict === "pass").length;
      const fails = answers.length - passes;
      const verdict = passes > fails ? "pass" : "fail";
      const agreement = Math.max(passes, fails) / answers.length;
      const rationale = answers.find((answer) => answer.verdict === verdict)!.rationale;
      return { verdict, rationale: passes === fails ? `tie (${passes} pass, ${fails} fail): ${rationale}` : rationale, agreement };
    },
  };
}
