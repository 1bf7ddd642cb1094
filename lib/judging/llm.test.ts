import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChatServer, type ChatServer, type Script } from "../../tests/support/chat-server";
import { JudgeError, createLlmJudge, type LlmJudgeConfig, type RetryPolicy } from "./llm";

const FAST: RetryPolicy = { retries: 3, minTimeoutMs: 10, maxTimeoutMs: 50, maxRetryAfterMs: 5_000 };
const input = {
  guideline: "Mention the $4.99 cancellation fee.",
  messages: [{ role: "user", content: "Please cancel order A12345" }],
  reply: "Done, a $4.99 fee applies.",
  predictedIntent: "cancel_order",
  intentLabel: "Cancel order",
};

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer(() => ({ verdict: "pass", rationale: "ok" }));
});
afterAll(() => server.close());

function judgeWith(script: Script, overrides: Partial<LlmJudgeConfig> = {}) {
  server.requests.length = 0;
  server.setScript(script);
  const config: LlmJudgeConfig = { kind: "openai", name: "j", version: "1", baseUrl: server.url, model: "judge-test", apiKey: "sk-test-1234", temperature: 0, timeoutMs: 2_000, concurrency: 1, samples: 1, promptTemplate: null, ...overrides };
  return createLlmJudge(config, FAST);
}

describe("the LLM judge over a loopback chat-completions server", () => {
  it("sends the guideline, the conversation and the reply, with a JSON schema format, and returns the scripted verdict", async () => {
    const judge = judgeWith(() => ({ verdict: "fail", rationale: "fee not mentioned clearly" }));
    expect(await judge.judge(input)).toEqual({ verdict: "fail", rationale: "fee not mentioned clearly", agreement: 1 });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.authorization).toBe("Bearer sk-test-1234");
    expect(request!.body.model).toBe("judge-test");
    expect(request!.body.temperature).toBe(0);
    const prompt = request!.body.messages[0]!.content;
    expect(prompt).toContain("Mention the $4.99 cancellation fee.");
    expect(prompt).toContain("user: Please cancel order A12345");
    expect(prompt).toContain("Done, a $4.99 fee applies.");
    expect(prompt).toContain('"cancel_order"');
    expect(request!.body.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "policy_verdict", strict: true } });
  });

  it("fills a custom template", async () => {
    const judge = judgeWith(() => ({ verdict: "pass", rationale: "x" }), { promptTemplate: "G={{guideline}} R={{ reply }} I={{predicted_intent}}" });
    await judge.judge(input);
    expect(server.requests[0]!.body.messages[0]!.content).toBe("G=Mention the $4.99 cancellation fee. R=Done, a $4.99 fee applies. I=cancel_order");
  });

  it("waits out a 429's Retry-After, then takes the verdict", async () => {
    const judge = judgeWith((_, i) => (i === 0 ? { status: 429, headers: { "retry-after": "1" } } : { verdict: "pass", rationale: "fine" }));
    expect((await judge.judge(input)).verdict).toBe("pass");
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it.each<[string, Script]>([
    ["a 500", (_, i) => (i === 0 ? { status: 500 } : { verdict: "pass", rationale: "fine" })],
    ["a dropped connection", (_, i) => (i === 0 ? { drop: true } : { verdict: "pass", rationale: "fine" })],
    ["malformed JSON", (_, i) => (i === 0 ? { content: '{"verdict": "pass", ' } : { verdict: "pass", rationale: "fine" })],
    ["a verdict outside the schema", (_, i) => (i === 0 ? { content: '{"verdict": "maybe", "rationale": "unsure"}' } : { verdict: "pass", rationale: "fine" })],
    ["an empty choice list", (_, i) => (i === 0 ? { choices: [] } : { verdict: "pass", rationale: "fine" })],
  ])("retries after %s", async (_, script) => {
    const judge = judgeWith(script);
    expect(await judge.judge(input)).toEqual({ verdict: "pass", rationale: "fine", agreement: 1 });
    expect(server.requests).toHaveLength(2);
  });

  it("retries after a timeout (the client's own, per request)", async () => {
    const judge = judgeWith((_, i) => (i === 0 ? { hang: true } : { verdict: "pass", rationale: "fine" }), { timeoutMs: 300 });
    const started = Date.now();
    expect((await judge.judge(input)).verdict).toBe("pass");
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("gives a JudgeError, never a verdict, when every attempt is invalid", async () => {
    const judge = judgeWith(() => ({ content: '{"verdict": "pass"}' }));
    await expect(judge.judge(input)).rejects.toThrow(JudgeError);
    await expect(judgeWith(() => ({ content: "not json" })).judge(input)).rejects.toThrow(/no verdict after 4 attempts: answer is not JSON/);
    expect(server.requests).toHaveLength(4);
  });

  it("falls back to a plainer response format when the server refuses the JSON schema, and keeps to it", async () => {
    const judge = judgeWith((request) =>
      (request.body.response_format as { type?: string } | undefined)?.type === "json_schema" ? { status: 400, body: JSON.stringify({ error: { message: "response_format json_schema not supported" } }) } : { verdict: "pass", rationale: "fine" },
    );
    expect((await judge.judge(input)).verdict).toBe("pass");
    expect((await judge.judge(input)).verdict).toBe("pass");
    expect(server.requests.map((r) => (r.body.response_format as { type: string }).type)).toEqual(["json_schema", "json_object", "json_object"]);
  });

  it("does not retry a 401", async () => {
    const judge = judgeWith(() => ({ status: 401 }));
    await expect(judge.judge(input)).rejects.toThrow(/not retried: HTTP 401/);
    expect(server.requests).toHaveLength(1);
    // A 400 on every format is not retried either, once the formats are used up.
    const refused = judgeWith(() => ({ status: 400 }));
    await expect(refused.judge(input)).rejects.toThrow(/not retried: HTTP 400/);
    expect(server.requests).toHaveLength(3);
  });

  it("keeps the requests in flight within its concurrency, samples included", async () => {
    let inFlight = 0;
    let most = 0;
    const judge = judgeWith(
      async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight -= 1;
        return { verdict: "pass", rationale: "ok" };
      },
      { samples: 3, concurrency: 2 },
    );
    const verdicts = await Promise.all([judge.judge(input), judge.judge(input), judge.judge(input)]);
    expect(verdicts.map((v) => v.agreement)).toEqual([1, 1, 1]);
    expect(server.requests).toHaveLength(9);
    expect(judge.requests).toBe(9);
    expect(most).toBe(2);
    judge.close();
  });

  it("takes the majority of several samples and records the agreement", async () => {
    const judge = judgeWith((_, i) => (i === 1 ? { verdict: "fail", rationale: "no" } : { verdict: "pass", rationale: "yes" }), { samples: 3 });
    expect(await judge.judge(input)).toEqual({ verdict: "pass", rationale: "yes", agreement: 2 / 3 });
    expect(server.requests).toHaveLength(3);
  });
});
