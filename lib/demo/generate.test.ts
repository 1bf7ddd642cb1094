import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import frozen from "../../tests/fixtures/demo-rubric-verdicts.json";
import { parseCompletion } from "../grading/intent";
import { judgeWithRubric } from "../judging/rubric";
import { recordSchema, type IngestRecord } from "../validations/record";
import { taxonomySchema } from "../validations/taxonomy";
import { DEMO_RUNS } from "./completions";
import { CONFUSIONS } from "./confusions";
import { DEMO_PROJECT, generateDemoRecords } from "./generate";
import { MESSAGE_TEMPLATES, addTypos } from "./messages";
import { Random } from "./random";
import { REPLIES, renderReply } from "./replies";
import { DEMO_INTENTS, DEMO_INTENT_IDS, demoIntent, type DemoIntentId } from "./taxonomy";

const take = (cases: number, seed?: number) => [...generateDemoRecords({ cases, seed })];
const INTENT_TAG = /<intent>([^<]*)<\/intent>/;

/** The named neighbouring pairs every weaker run should mix up now and then. */
const NAMED_PAIRS: [DemoIntentId, DemoIntentId][] = [
  ["get_refund", "track_refund"],
  ["cancel_order", "check_cancellation_fee"],
  ["contact_customer_service", "contact_human_agent"],
  ["delivery_options", "delivery_period"],
  ["edit_account", "switch_account"],
];

type RunStats = { intent: number; policy: number; system: number; format: number; confusions: Map<string, number> };

describe("demo taxonomy", () => {
  it("has the 27 intents, valid per the taxonomy schema, with 1-3 rubric items each", () => {
    expect(taxonomySchema.parse({ intents: DEMO_INTENTS }).intents).toEqual(DEMO_INTENTS);
    expect(DEMO_INTENTS.map((intent) => intent.id)).toEqual([...DEMO_INTENT_IDS]);
    expect(DEMO_INTENTS).toHaveLength(27);
    for (const intent of DEMO_INTENTS) {
      expect(intent.rubric.length, intent.id).toBeGreaterThanOrEqual(1);
      expect(intent.rubric.length, intent.id).toBeLessThanOrEqual(3);
      const sentences = intent.policy.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
      expect(sentences, intent.id).toBeGreaterThanOrEqual(2);
      expect(sentences, intent.id).toBeLessThanOrEqual(4);
    }
    expect(DEMO_PROJECT).toBe("demo");
  });
});

describe("demo messages", () => {
  it("has at least 6 templates per intent covering polite, colloquial and angry wording", () => {
    for (const id of DEMO_INTENT_IDS) {
      const registers = new Set(MESSAGE_TEMPLATES[id].map(([register]) => register));
      expect(MESSAGE_TEMPLATES[id].length, id).toBeGreaterThanOrEqual(6);
      for (const register of ["polite", "colloquial", "angry"] as const) expect(registers.has(register), id).toBe(true);
    }
  });

  it("adds deterministic typos that never touch order numbers", () => {
    const text = "Please cancel order #A12345 because the running shoes are wrong";
    for (let seed = 0; seed < 200; seed += 1) {
      const once = addTypos(text, new Random(seed));
      expect(addTypos(text, new Random(seed))).toBe(once);
      expect(once).not.toBe(text);
      expect(once.toLowerCase()).toContain("#a12345");
    }
  });
});

describe("demo replies", () => {
  const contexts = [
    { order: "#A12345", wait: "about 3 minutes", ref: "CMP-12345", day: "Friday" },
    { order: null, wait: "about 3 minutes", ref: "CMP-12345", day: "Friday" },
  ];
  const frames = DEMO_RUNS.flatMap((run) =>
    run.greetings.flatMap(([named, anonymous]) =>
      run.closings.flatMap((closing) => [named.replace("{name}", "Maria"), anonymous].map((greeting) => [greeting, closing])),
    ),
  );

  it("good replies meet every rubric item and slips fail at least one, with any greeting and closing", () => {
    for (const id of DEMO_INTENT_IDS) {
      const { rubric } = demoIntent(id);
      expect(REPLIES[id].good.length, id).toBeGreaterThanOrEqual(2);
      expect(REPLIES[id].slips.length, id).toBeGreaterThanOrEqual(1);
      for (const context of contexts) {
        for (const [greeting, closing] of frames) {
          const wrap = (body: string) => [greeting, renderReply(body, context), closing].filter(Boolean).join(" ");
          for (const body of REPLIES[id].good) expect(judgeWithRubric(wrap(body), rubric), `${id}: ${body}`).toMatchObject({ verdict: "pass" });
          for (const body of REPLIES[id].slips) expect(judgeWithRubric(wrap(body), rubric).verdict, `${id}: ${body}`).toBe("fail");
        }
      }
    }
  });

  it("only confuses an intent with listed neighbours from the taxonomy", () => {
    for (const id of DEMO_INTENT_IDS) {
      for (const [other] of CONFUSIONS[id]) {
        expect(other).not.toBe(id);
        expect(DEMO_INTENT_IDS).toContain(other);
      }
    }
  });
});

describe("generateDemoRecords", () => {
  const CASES = 20_000;
  let records: IngestRecord[];
  const stats = new Map<string, RunStats>();

  beforeAll(() => {
    records = take(CASES);
    for (const run of DEMO_RUNS) stats.set(run.name, { intent: 0, policy: 0, system: 0, format: 0, confusions: new Map() });
    for (const record of records) {
      for (const completion of record.completions) {
        const s = stats.get(completion.run) as RunStats;
        const parsed = parseCompletion(completion.text);
        const predicted = parsed.ok ? INTENT_TAG.exec(completion.text)?.[1] : undefined;
        const correct = predicted === record.case.expectedIntent;
        const pass = completion.policy?.verdict === "pass";
        if (!parsed.ok) s.format += 1;
        if (correct) s.intent += 1;
        if (pass) s.policy += 1;
        if (correct && pass) s.system += 1;
        if (parsed.ok && !correct) {
          const key = `${record.case.expectedIntent}>${predicted}`;
          s.confusions.set(key, (s.confusions.get(key) ?? 0) + 1);
        }
      }
    }
  });

  const rate = (run: string, key: "intent" | "policy" | "system" | "format") => (stats.get(run)?.[key] ?? NaN) / CASES;

  it("is deterministic per seed and stable under a longer run", () => {
    const a = take(300, 7);
    expect(take(300, 7)).toEqual(a);
    expect(take(100, 7)).toEqual(a.slice(0, 100));
    const b = take(300, 8);
    expect(b).not.toEqual(a);
    expect(b.map((record) => record.case.messages)).not.toEqual(a.map((record) => record.case.messages));
    expect(take(300)).toEqual(records.slice(0, 300));
  });

  it("numbers cases and gives every record one completion per demo run", () => {
    expect(records[0]?.case.id).toBe("demo-000001");
    expect(records[CASES - 1]?.case.id).toBe("demo-020000");
    for (const record of records.slice(0, 500)) {
      expect(record.completions.map((completion) => [completion.run, completion.model])).toEqual(
        DEMO_RUNS.map((run) => [run.name, run.model]),
      );
    }
    expect(DEMO_RUNS.map((run) => run.model)).toEqual(["gpt-4o", "qwen2.5-1.5b-instruct", "qwen2.5-1.5b-rft"]);
  });

  it("produces records that validate against the record schema unchanged", () => {
    for (const record of records.slice(0, 3000)) expect(recordSchema.parse(record)).toEqual(record);
  });

  it("only uses intents of the demo taxonomy", () => {
    const known = new Set<string>(DEMO_INTENT_IDS);
    for (const record of records) {
      expect(known.has(record.case.expectedIntent)).toBe(true);
      for (const completion of record.completions) {
        const parsed = parseCompletion(completion.text);
        if (parsed.ok) expect(known.has(parsed.predictedIntent), parsed.predictedIntent).toBe(true);
      }
    }
  });

  it("tags wording variants, including typos and multi-turn cases", () => {
    const counts = new Map<string, number>();
    for (const record of records) for (const tag of record.case.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    for (const tag of ["polite", "neutral", "colloquial", "angry", "keyword"]) expect(counts.get(tag) ?? 0, tag).toBeGreaterThan(CASES * 0.1);
    expect((counts.get("typo") ?? 0) / CASES).toBeCloseTo(0.18, 1);
    expect((counts.get("multi-turn") ?? 0) / CASES).toBeCloseTo(0.08, 1);
  });

  it("hits the target rates per run", () => {
    for (const run of DEMO_RUNS) {
      const { intentAccuracy, policyPass, formatErrorRate } = run.targets;
      expect(Math.abs(rate(run.name, "intent") - intentAccuracy), `${run.name} intent`).toBeLessThan(0.01);
      expect(Math.abs(rate(run.name, "policy") - policyPass), `${run.name} policy`).toBeLessThan(0.01);
      expect(Math.abs(rate(run.name, "format") - formatErrorRate), `${run.name} format`).toBeLessThan(Math.max(0.002, formatErrorRate * 0.3));
    }
    expect(rate("small-base", "intent")).toBeLessThan(rate("hosted-baseline", "intent") - 0.1);
    expect(rate("small-rft", "intent")).toBeGreaterThanOrEqual(0.995);
    expect(rate("small-base", "format")).toBeGreaterThan(rate("hosted-baseline", "format") * 3);
  });

  it("gives the hosted baseline a system accuracy around 87-88%", () => {
    expect(rate("hosted-baseline", "system")).toBeGreaterThan(0.865);
    expect(rate("hosted-baseline", "system")).toBeLessThan(0.885);
  });

  it("confuses only neighbouring intents, including the named pairs", () => {
    for (const run of DEMO_RUNS) {
      const confusions = stats.get(run.name)?.confusions ?? new Map<string, number>();
      for (const key of confusions.keys()) {
        const [expected, predicted] = key.split(">") as [DemoIntentId, string];
        expect(CONFUSIONS[expected].map(([other]) => other as string), key).toContain(predicted);
      }
      const pairCount = ([a, b]: [string, string]) => (confusions.get(`${a}>${b}`) ?? 0) + (confusions.get(`${b}>${a}`) ?? 0);
      const named = NAMED_PAIRS.map(pairCount);
      if (run.name === "small-rft") expect(named.filter((count) => count > 0).length, run.name).toBeGreaterThanOrEqual(2);
      else expect(named.every((count) => count > 0), `${run.name}: ${named.join(",")}`).toBe(true);
    }
  });

  it("stores the rubric judge's verdict against the predicted intent, failing format errors and policy slips", () => {
    // Against the verdicts frozen in tests/fixtures/demo-rubric-verdicts.json, not against judgeWithRubric:
    // the generator calls that judge itself, so comparing with it again would agree with any change to either.
    const lines: string[] = [];
    const counts: Record<string, Record<string, number>> = {};
    for (const record of records.slice(0, frozen.cases)) {
      for (const completion of record.completions) {
        const verdict = completion.policy?.verdict ?? "none";
        lines.push(`${record.case.id}\t${completion.run}\t${verdict}\t${completion.policy?.rationale}`);
        const run = (counts[completion.run] ??= {});
        run[verdict] = (run[verdict] ?? 0) + 1;
      }
    }
    lines.sort();
    expect(lines.filter((line) => line.includes("fail")).slice(0, 5)).toEqual(frozen.sample);
    expect(counts).toEqual(frozen.counts);
    expect(createHash("sha256").update(lines.join("\n")).digest("hex")).toBe(frozen.sha256);

    const slips = new Map<string, number>();
    for (const record of records.slice(0, 5000)) {
      for (const completion of record.completions) {
        const parsed = parseCompletion(completion.text);
        expect(completion.policy).toMatchObject({ judge: "rubric", judgeVersion: "1" });
        // A format error has no reply to judge: the rubric judge fails it as the grader does (docs/grading.md).
        if (!parsed.ok) expect(completion.policy).toEqual({ verdict: "fail", rationale: "format error", judge: "rubric", judgeVersion: "1" });
        if (parsed.ok && completion.policy?.verdict === "fail") slips.set(completion.run, (slips.get(completion.run) ?? 0) + 1);
        if (parsed.ok && parsed.predictedIntent === "cancel_order" && !parsed.reply.includes("$4.99")) {
          expect(completion.policy?.verdict).toBe("fail");
        }
      }
    }
    for (const run of DEMO_RUNS) expect(slips.get(run.name) ?? 0, run.name).toBeGreaterThan(20);
  });

  it("shows errors for the weaker runs even in a small dataset", () => {
    const small = take(60);
    const wrong = (run: string) =>
      small.filter((record) => {
        const completion = record.completions.find((c) => c.run === run);
        return INTENT_TAG.exec(completion?.text ?? "")?.[1] !== record.case.expectedIntent || completion?.policy?.verdict === "fail";
      }).length;
    expect(wrong("small-base")).toBeGreaterThanOrEqual(8);
    expect(wrong("hosted-baseline")).toBeGreaterThanOrEqual(2);
  });

  it("reports plausible latency and token counts", () => {
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const byRun = (run: string, pick: (c: IngestRecord["completions"][number]) => number | undefined) =>
      records.slice(0, 5000).map((record) => pick(record.completions.find((c) => c.run === run)!) ?? NaN);
    const hosted = median(byRun("hosted-baseline", (c) => c.latencyMs));
    const base = median(byRun("small-base", (c) => c.latencyMs));
    expect(hosted).toBeGreaterThan(700);
    expect(hosted).toBeLessThan(2500);
    expect(base).toBeLessThan(hosted);
    for (const run of DEMO_RUNS) {
      expect(median(byRun(run.name, (c) => c.completionTokens))).toBeGreaterThan(30);
      expect(median(byRun(run.name, (c) => c.promptTokens))).toBeGreaterThan(1000);
    }
  });

  it("rejects invalid options", () => {
    expect(() => take(-1)).toThrow();
    expect(() => take(1.5)).toThrow();
    expect(take(0)).toEqual([]);
  });
});
