import { describe, expect, it } from "vitest";
import { judgeConfigSchema } from "../validations/judging";
import { DEFAULT_PROMPT_TEMPLATE, renderPrompt } from "./prompt";

const input = {
  guideline: "Ask for the order number.",
  messages: [
    { role: "user", content: "Where is my refund?" },
    { role: "assistant", content: "Let me check." },
    { role: "user", content: "Order {{reply}} please" },
  ],
  reply: "What is your order number?",
  predictedIntent: "track_refund",
  intentLabel: "Track refund",
};

describe("the judge's prompt", () => {
  it("fills every variable of the default template", () => {
    const prompt = renderPrompt(null, input);
    expect(prompt).toContain("<guideline>\nAsk for the order number.\n</guideline>");
    expect(prompt).toContain("<conversation>\nuser: Where is my refund?\nassistant: Let me check.\nuser: Order {{reply}} please\n</conversation>");
    expect(prompt).toContain("<reply>\nWhat is your order number?\n</reply>");
    expect(prompt).toContain('"track_refund" (Track refund)');
    expect(prompt).not.toMatch(/\{\{(guideline|conversation|predicted_intent|intent_label)\}\}/);
  });

  it("does not expand a variable found inside a value (the customer's {{reply}} stays as written)", () => {
    expect(renderPrompt("{{conversation}}|{{reply}}", input)).toBe("user: Where is my refund?\nassistant: Let me check.\nuser: Order {{reply}} please|What is your order number?");
  });

  it("validates templates: known variables only, guideline and reply required", () => {
    const config = (promptTemplate: string) => judgeConfigSchema.safeParse({ kind: "openai", baseUrl: "http://x/v1", model: "m", promptTemplate });
    expect(config(DEFAULT_PROMPT_TEMPLATE).success).toBe(true);
    expect(config("{{guideline}} {{reply}}").success).toBe(true);
    expect(config("{{guideline}}").error?.issues.map((i) => i.message)).toEqual(["the template must use {{reply}}"]);
    expect(config("{{guideline}} {{reply}} {{case_id}}").error?.issues.map((i) => i.message)).toEqual([
      "unknown template variable {{case_id}}; allowed: {{guideline}}, {{conversation}}, {{reply}}, {{predicted_intent}}, {{intent_label}}",
    ]);
  });

  it("defaults the settings and trims a trailing slash of baseUrl", () => {
    expect(judgeConfigSchema.parse({ kind: "openai", baseUrl: "http://localhost:11434/v1/", model: "llama3.1" })).toEqual({
      kind: "openai",
      baseUrl: "http://localhost:11434/v1",
      model: "llama3.1",
      timeoutMs: 30_000,
      concurrency: 4,
      samples: 1,
    });
  });
});
