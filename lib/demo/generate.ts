import type { IngestRecord } from "../validations/record";
import { DEMO_RUNS, buildCompletion } from "./completions";
import { INTENT_PICKER, buildCustomerMessage } from "./messages";
import { Random, deriveSeed } from "./random";

export { DEMO_RUNS } from "./completions";
export { DEMO_INTENTS } from "./taxonomy";

/** The project the demo data is imported into. */
export const DEMO_PROJECT = "demo";
export const DEFAULT_DEMO_SEED = 20240601;

export type DemoOptions = { cases: number; seed?: number };

export function demoCaseId(index: number): string {
  return `demo-${String(index).padStart(6, "0")}`;
}

/**
 * Streams demo records: each a customer case plus one completion per demo run.
 * Deterministic: every case draws from its own generator derived from (seed,
 * case number), so the same seed always gives the same records, and the first
 * N records do not depend on how many are requested. Constant memory.
 */
export function* generateDemoRecords(options: DemoOptions): Generator<IngestRecord> {
  const { cases, seed = DEFAULT_DEMO_SEED } = options;
  if (!Number.isSafeInteger(cases) || cases < 0) throw new Error("cases must be a non-negative integer");
  if (!Number.isSafeInteger(seed)) throw new Error("seed must be an integer");

  for (let index = 1; index <= cases; index += 1) {
    const random = new Random(deriveSeed(seed, index));
    const expectedIntent = INTENT_PICKER.pick(random);
    const customer = buildCustomerMessage(expectedIntent, random);
    const completions = DEMO_RUNS.map((run, runIndex) =>
      buildCompletion(run, expectedIntent, customer, new Random(deriveSeed(seed, index, runIndex + 1))),
    );
    yield {
      case: {
        id: demoCaseId(index),
        messages: customer.messages,
        expectedIntent,
        tags: customer.tags,
        metadata: { channel: customer.channel },
      },
      completions,
    };
  }
}
