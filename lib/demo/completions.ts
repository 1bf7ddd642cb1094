import { RUBRIC_JUDGE, judgeWithRubric } from "../judging/rubric";
import type { IngestRecord } from "../validations/record";
import { CONFUSION_PICKERS, caseDifficulty, meanCaseDifficulty, meanPolicyRisk, policyRisk } from "./confusions";
import type { CustomerMessage } from "./messages";
import { Random, WeightedPicker } from "./random";
import { REPLIES, renderReply } from "./replies";
import { demoIntent, type DemoIntentId } from "./taxonomy";

export type DemoCompletion = IngestRecord["completions"][number];

export type FormatErrorKind =
  | "missing_intent_close"
  | "missing_analysis"
  | "duplicate_intent"
  | "empty"
  | "empty_reply"
  | "no_tags"
  | "truncated";

export type DemoRun = {
  name: string;
  model: string;
  description: string;
  /** Targets over the whole case mix; format errors count as wrong intent and failed policy. */
  targets: { intentAccuracy: number; policyPass: number; formatErrorRate: number };
  formatErrors: readonly (readonly [FormatErrorKind, number])[];
  /** > 1 concentrates intent errors on the hardest cases. */
  sharpness: number;
  latency: { baseMs: number; perTokenMs: number; sigma: number };
  charsPerToken: number;
  systemPromptTokens: number;
  analysisPrefixes: readonly string[];
  /** [greeting when the customer gave a name, greeting otherwise]; "" for none. */
  greetings: readonly (readonly [string, string])[];
  closings: readonly string[];
};

export const DEMO_RUNS: readonly DemoRun[] = [
  {
    name: "hosted-baseline",
    model: "gpt-4o",
    description: "Hosted frontier model with the full prompt",
    targets: { intentAccuracy: 0.92, policyPass: 0.95, formatErrorRate: 0.005 },
    formatErrors: [["missing_analysis", 3], ["empty", 2], ["empty_reply", 1], ["duplicate_intent", 2], ["missing_intent_close", 2]],
    sharpness: 1,
    latency: { baseMs: 380, perTokenMs: 11, sigma: 0.25 },
    charsPerToken: 4.1,
    systemPromptTokens: 1864,
    analysisPrefixes: ["The customer wants to ", "The customer would like to "],
    greetings: [["Hi {name}!", "Hi there!"], ["Hello {name}, thanks for reaching out.", "Thanks for reaching out."], ["", ""]],
    closings: ["Is there anything else I can help you with?", "Let me know if there's anything else I can do.", ""],
  },
  {
    name: "small-base",
    model: "qwen2.5-1.5b-instruct",
    description: "Small open model, prompted, no fine-tuning",
    targets: { intentAccuracy: 0.78, policyPass: 0.85, formatErrorRate: 0.03 },
    formatErrors: [
      ["missing_intent_close", 4],
      ["duplicate_intent", 3],
      ["missing_analysis", 2],
      ["truncated", 2],
      ["empty_reply", 2],
      ["no_tags", 1],
      ["empty", 1],
    ],
    sharpness: 0.7,
    latency: { baseMs: 70, perTokenMs: 6, sigma: 0.3 },
    charsPerToken: 3.8,
    systemPromptTokens: 1971,
    analysisPrefixes: ["User wants to ", "The customer wants to "],
    greetings: [["", ""], ["", ""], ["Hello.", "Hello."], ["Hi {name}.", "Hi."]],
    closings: ["", "", "Thank you."],
  },
  {
    name: "small-rft",
    model: "qwen2.5-1.5b-rft",
    description: "The same small model after reinforcement fine-tuning on graded support cases",
    targets: { intentAccuracy: 0.997, policyPass: 0.97, formatErrorRate: 0.001 },
    formatErrors: [["missing_intent_close", 1], ["empty", 1]],
    sharpness: 2,
    latency: { baseMs: 60, perTokenMs: 5.5, sigma: 0.2 },
    charsPerToken: 3.8,
    systemPromptTokens: 1971,
    analysisPrefixes: ["The customer wants to "],
    greetings: [["Hi {name}!", "Hi!"], ["", ""]],
    closings: ["Anything else I can help with?", ""],
  },
];

/** Most tokens a completion may use (repetition loops are cut here). */
export const MAX_COMPLETION_TOKENS = 256;

type RunModel = {
  run: DemoRun;
  formatPicker: WeightedPicker<FormatErrorKind>;
  /** Per-case probability scale for an intent error when the format is fine. */
  intentErrorScale: number;
  slipScale: number;
};

function buildModel(run: DemoRun): RunModel {
  const { intentAccuracy, policyPass, formatErrorRate } = run.targets;
  const parsed = 1 - formatErrorRate;
  return {
    run,
    formatPicker: new WeightedPicker(run.formatErrors),
    intentErrorScale: (1 - intentAccuracy / parsed) / meanCaseDifficulty(run.sharpness),
    slipScale: (1 - policyPass / parsed) / meanPolicyRisk(),
  };
}

const RUN_MODELS = new Map(DEMO_RUNS.map((run) => [run.name, buildModel(run)]));

function greet([named, anonymous]: readonly [string, string], name: string | null): string {
  return name === null ? anonymous : named.replace("{name}", name);
}

function formatBroken(kind: FormatErrorKind, analysis: string, intent: DemoIntentId, reply: string, random: Random): string {
  switch (kind) {
    case "missing_intent_close":
      return `<analysis>${analysis}</analysis><intent>${intent} ${reply}`;
    case "missing_analysis":
      return `<intent>${intent}</intent> ${reply}`;
    case "duplicate_intent": {
      const second = random.chance(0.5) ? intent : CONFUSION_PICKERS[intent].pick(random);
      return `<analysis>${analysis}</analysis><intent>${intent}</intent><intent>${second}</intent> ${reply}`;
    }
    case "empty":
      return "";
    case "empty_reply":
      return `<analysis>${analysis}</analysis><intent>${intent}</intent>`;
    case "no_tags":
      return reply;
    case "truncated": {
      let text = `<analysis>${analysis}`;
      while (text.length < MAX_COMPLETION_TOKENS * 3.8) text += ` ${analysis}`;
      return text.slice(0, Math.floor(MAX_COMPLETION_TOKENS * 3.8));
    }
  }
}

/**
 * One run's completion for a case. The model predicts an intent (possibly a
 * neighbouring one), answers following the predicted intent's guideline
 * (sometimes with a policy slip) and may break the output format. The policy
 * verdict is the rubric judge's, against the predicted intent's rubric.
 */
export function buildCompletion(run: DemoRun, expected: DemoIntentId, customer: CustomerMessage, random: Random): DemoCompletion {
  const model = RUN_MODELS.get(run.name) ?? buildModel(run);
  const formatError = random.chance(run.targets.formatErrorRate) ? model.formatPicker.pick(random) : null;
  const difficulty = caseDifficulty(expected, customer.register, customer.typo, run.sharpness);
  const wrong = random.chance(Math.min(0.95, model.intentErrorScale * difficulty));
  const predicted = wrong ? CONFUSION_PICKERS[expected].pick(random) : expected;
  const slip = random.chance(Math.min(0.95, model.slipScale * policyRisk(expected)));

  const replies = REPLIES[predicted];
  const body = renderReply(random.pick(slip ? replies.slips : replies.good), {
    order: customer.order,
    wait: `about ${random.range(2, 9)} minutes`,
    ref: `CMP-${random.range(10000, 99999)}`,
    day: random.pick(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
  });
  const greeting = greet(random.pick(run.greetings), customer.name);
  const closing = random.pick(run.closings);
  const reply = [greeting, body, closing].filter((part) => part !== "").join(" ");
  const analysis = `${random.pick(run.analysisPrefixes)}${replies.wants}${customer.order && random.chance(0.5) ? ` (order ${customer.order})` : ""}.`;

  const text = formatError
    ? formatBroken(formatError, analysis, predicted, reply, random)
    : `<analysis>${analysis}</analysis><intent>${predicted}</intent> ${reply}`;
  const judged = judgeWithRubric(formatError ? null : reply, demoIntent(predicted).rubric);

  const promptChars = customer.messages.reduce((sum, message) => sum + message.content.length + 16, 0);
  const completionTokens =
    formatError === "truncated" ? MAX_COMPLETION_TOKENS : Math.max(1, Math.ceil(text.length / run.charsPerToken));
  const tail = random.chance(0.01) ? 2 + random.next() * 4 : 1;
  const latencyMs = Math.round(
    (run.latency.baseMs + run.latency.perTokenMs * completionTokens) * Math.exp(run.latency.sigma * random.normal()) * tail,
  );

  return {
    run: run.name,
    model: run.model,
    text,
    policy: { verdict: judged.verdict, rationale: judged.rationale, judge: RUBRIC_JUDGE.name, judgeVersion: RUBRIC_JUDGE.version },
    latencyMs,
    promptTokens: run.systemPromptTokens + Math.ceil(promptChars / run.charsPerToken),
    completionTokens,
    metadata: {},
  };
}
