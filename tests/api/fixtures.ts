/** A small project whose figures are worked out by hand in the read and OpenAPI tests. */
import type { IntentInput } from "../../lib/validations/taxonomy";
import { call, projectWithKeys } from "./helpers";

export const INTENTS: IntentInput[] = [
  { id: "cancel_order", label: "Cancel order", policy: "Mention the $4.99 fee." },
  { id: "get_refund", label: "Get refund", policy: "Ask for the order number." },
  { id: "track_refund", label: "Track refund", policy: "Give the refund status." },
];

const text = (intent: string, reply: string) => `<analysis>Reading the message.</analysis><intent>${intent}</intent> ${reply}`;
const judged = (verdict: "pass" | "fail") => ({ verdict, rationale: `judged ${verdict}`, judge: "offline-judge", judgeVersion: "7" });

/**
 * Run "alpha" (model m-alpha) and run "beta" (model m-beta) on four cases:
 *   c1 cancel_order: alpha correct + pass,         beta correct + fail
 *   c2 get_refund:   alpha wrong (track_refund) + pass, beta correct + pass
 *   c3 get_refund:   alpha format error (policy fail), beta correct, pending
 *   c4 track_refund: alpha correct + fail,          beta correct + pass
 */
export const RECORDS = [
  {
    case: { id: "c1", messages: [{ role: "user", content: "Please cancel order 1234, I changed my mind" }], expectedIntent: "cancel_order", tags: ["angry"] },
    completions: [
      { run: "alpha", model: "m-alpha", text: text("cancel_order", "Done; a $4.99 fee applies."), policy: judged("pass"), latencyMs: 120 },
      { run: "beta", model: "m-beta", text: text("cancel_order", "Done."), policy: judged("fail") },
    ],
  },
  {
    case: { id: "c2", messages: [{ role: "user", content: "I want my money back for the blender" }], expectedIntent: "get_refund" },
    completions: [
      { run: "alpha", model: "m-alpha", text: text("track_refund", "What is your order number?"), policy: judged("pass") },
      { run: "beta", model: "m-beta", text: text("get_refund", "What is your order number?"), policy: judged("pass") },
    ],
  },
  {
    case: { id: "c3", messages: [{ role: "user", content: "refund pls" }], expectedIntent: "get_refund" },
    completions: [
      { run: "alpha", model: "m-alpha", text: "I can help with a refund." },
      { run: "beta", model: "m-beta", text: text("get_refund", "Which order is it?") },
    ],
  },
  {
    case: { id: "c4", messages: [{ role: "user", content: "where is my refund?" }], expectedIntent: "track_refund" },
    completions: [
      { run: "alpha", model: "m-alpha", text: text("track_refund", "Let me look.") , policy: judged("fail") },
      { run: "beta", model: "m-beta", text: text("track_refund", "It was sent on Monday."), policy: judged("pass") },
    ],
  },
];

export async function seededProject() {
  const project = await projectWithKeys(INTENTS);
  const response = await call("POST", "/api/v1/ingest", { key: project.keys.ingest, body: { records: RECORDS } });
  if (response.status !== 200) throw new Error(`seeding failed: ${response.status} ${JSON.stringify(response.json)}`);
  return project;
}
