import { describe, expect, it } from "vitest";
import {
  DEFAULT_REWARDS,
  FORMAT_ERROR_CODES,
  INTENT_VERDICTS,
  type FormatErrorCode,
  gradeIntent,
  normalizeIntent,
  parseCompletion,
  rewardFor,
} from "./intent";

const WELL_FORMED = "<analysis>Wants to cancel.</analysis><intent>cancel_order</intent> Sure, I can help.";

function errorOf(text: string): FormatErrorCode | "ok" {
  const parsed = parseCompletion(text);
  return parsed.ok ? "ok" : parsed.error;
}

describe("parseCompletion: well-formed completions", () => {
  it("extracts analysis, intent and reply", () => {
    expect(parseCompletion(WELL_FORMED)).toEqual({
      ok: true,
      analysis: "Wants to cancel.",
      predictedIntent: "cancel_order",
      reply: "Sure, I can help.",
    });
  });

  it.each([
    ["leading whitespace", "  \n\t<analysis>a</analysis><intent>x</intent> r"],
    ["whitespace between blocks", "<analysis>a</analysis> \n\n <intent>x</intent> r"],
    ["unicode whitespace around tags", "\u00a0\ufeff<analysis>a</analysis>\u2003\u3000<intent>x</intent>\u2028r"],
    ["no whitespace at all", "<analysis>a</analysis><intent>x</intent>r"],
    ["empty analysis", "<analysis></analysis><intent>x</intent> r"],
    ["blank analysis", "<analysis> \n </analysis><intent>x</intent> r"],
    ["whitespace inside intent", "<analysis>a</analysis><intent>\n  x \t</intent> r"],
    ["trailing whitespace after reply", "<analysis>a</analysis><intent>x</intent> r \n\n"],
  ])("accepts %s", (_name, text) => {
    expect(errorOf(text)).toBe("ok");
  });

  it("keeps newlines inside the reply and trims its ends", () => {
    const parsed = parseCompletion("<analysis>a</analysis><intent>x</intent>\n\n Hello,\n\nThanks!\n ");
    expect(parsed).toMatchObject({ ok: true, reply: "Hello,\n\nThanks!" });
  });

  it("trims the analysis", () => {
    expect(parseCompletion("<analysis>\n  Wants a refund. \n</analysis><intent>x</intent> r")).toMatchObject({
      analysis: "Wants a refund.",
    });
  });

  it.each([
    ["CANCEL_ORDER", "cancel_order"],
    ["  Cancel_Order \n", "cancel_order"],
    ["ÉCHANGE", "échange"],
    ["Straße", "straße"],
    ["ΣΟΦΙΑ", "σοφια"],
  ])("normalises the intent %j to %j", (raw, expected) => {
    expect(parseCompletion(`<analysis>a</analysis><intent>${raw}</intent> r`)).toMatchObject({
      predictedIntent: expected,
    });
  });

  it.each([
    ["comparison in analysis", "<analysis>price a < b and c > d</analysis><intent>x</intent> r", "price a < b and c > d"],
    ["lone brackets", "<analysis><< >> </ /></analysis><intent>x</intent> r", "<< >> </ />"],
    ["other tag names", "<analysis><intents> <intent_id> <analysis-x> <analysist></analysis><intent>x</intent> r", "<intents> <intent_id> <analysis-x> <analysist>"],
    ["truncated tag text", "<analysis>see <intent and <analysis</analysis><intent>x</intent> r", "see <intent and <analysis"],
    ["escaped tag", "<analysis>&lt;intent&gt;</analysis><intent>x</intent> r", "&lt;intent&gt;"],
  ])("treats non-tags in the analysis as text: %s", (_name, text, analysis) => {
    expect(parseCompletion(text)).toMatchObject({ ok: true, analysis });
  });

  it.each([
    ["HTML", "<b>hi</b> and <br/> <a href=\"x\">link</a>"],
    ["comparison", "3 < 4 > 2"],
    ["tag-like words", "<intentional> <analysis_done> intent analysis"],
    ["unterminated tag text", "see <intent"],
  ])("accepts a reply containing %s", (_name, reply) => {
    expect(parseCompletion(`<analysis>a</analysis><intent>x</intent> ${reply}`)).toMatchObject({ ok: true, reply });
  });
});

describe("parseCompletion: format errors", () => {
  const table: [FormatErrorCode, string, string][] = [
    ["missing_analysis", "plain text", "no tags at all"],
    ["missing_analysis", "", "empty string"],
    ["missing_analysis", "<intent>x</intent> r", "no analysis block"],
    ["missing_analysis", "a</analysis><intent>x</intent> r", "<analysis> removed"],
    ["unclosed_tag", "<analysis>a<intent>x</intent> r", "</analysis> removed"],
    ["unclosed_tag", "<analysis>a", "analysis never closed, nothing else"],
    ["unclosed_tag", "<analysis>a</analysis><intent>x r", "</intent> removed"],
    ["unclosed_tag", "<analysis>a</analysis><intent>x</intent r", "</intent without '>'"],
    ["unclosed_tag", "<analysis>a</analysis><intent>x</intent", "truncated closing tag"],
    ["missing_intent", "<analysis>a</analysis> r", "no intent block"],
    ["missing_intent", "<analysis>a</analysis>x</intent> r", "<intent> removed"],
    ["duplicate_tag", "<analysis>a</analysis><intent>x</intent><intent>y</intent> r", "two intent blocks"],
    ["duplicate_tag", "<analysis>a</analysis><intent>x</intent> r <intent>", "<intent> in the reply"],
    ["duplicate_tag", "<analysis>a</analysis><intent>x</intent> r </analysis>", "</analysis> in the reply"],
    ["duplicate_tag", "<analysis>a</analysis><intent>x</intent> r <analysis>", "<analysis> in the reply"],
    ["duplicate_tag", "<analysis>a</analysis><intent>x</intent> r </intent>", "</intent> in the reply"],
    ["duplicate_tag", "<analysis><analysis>a</analysis><intent>x</intent> r", "<analysis> twice"],
    ["duplicate_tag", "<analysis>a<intent>y</intent></analysis><intent>x</intent> r", "intent nested in analysis"],
    ["duplicate_tag", "<analysis>a</analysis><intent><analysis>x</intent> r", "analysis nested in intent"],
    ["out_of_order", "<intent>x</intent><analysis>a</analysis> r", "blocks swapped"],
    ["out_of_order", "</analysis>a<analysis><intent>x</intent> r", "analysis tags swapped"],
    ["out_of_order", "<analysis>a</analysis></intent>x<intent> r", "intent tags swapped"],
    ["out_of_order", "<analysis>a<intent>x</intent></analysis> r", "only intent block, nested in analysis"],
    ["out_of_order", "<intent><analysis>a</analysis>x</intent> r", "analysis nested in intent"],
    ["malformed_tag", "<Analysis>a</analysis><intent>x</intent> r", "capitalised <Analysis>"],
    ["malformed_tag", "<analysis>a</ANALYSIS><intent>x</intent> r", "upper-case </ANALYSIS>"],
    ["malformed_tag", "<analysis>a</analysis><Intent>x</intent> r", "capitalised <Intent>"],
    ["malformed_tag", "<analysis>a</analysis><intent>x</INTENT> r", "upper-case </INTENT>"],
    ["malformed_tag", "<analysis>a</analysis>< intent >x</intent> r", "spaces in < intent >"],
    ["malformed_tag", "<analysis>a</analysis><intent>x</ intent> r", "space in </ intent>"],
    ["malformed_tag", "<analysis>a</analysis><intent>x< /intent> r", "space in < /intent>"],
    ["malformed_tag", "<analysis >a</analysis><intent>x</intent> r", "space before >"],
    ["malformed_tag", "<analysis>a</analysis><intent\n>x</intent> r", "newline before >"],
    ["malformed_tag", '<analysis>a</analysis><intent id="x">x</intent> r', "attribute"],
    ["malformed_tag", "<analysis>a</analysis><intent/>x</intent> r", "self-closing"],
    ["malformed_tag", "<analysis>a</analysis><intent>x</intent> r <INTENT>", "malformed tag in reply"],
    ["malformed_tag", "<analysis>a <iNtEnT> b</analysis><intent>x</intent> r", "malformed tag in analysis"],
    ["text_before_analysis", "Sure! <analysis>a</analysis><intent>x</intent> r", "prefix text"],
    ["text_before_analysis", "< <analysis>a</analysis><intent>x</intent> r", "stray bracket before"],
    ["text_between_tags", "<analysis>a</analysis> so <intent>x</intent> r", "text between blocks"],
    ["text_between_tags", "<analysis>a</analysis>.<intent>x</intent> r", "punctuation between blocks"],
    ["empty_intent", "<analysis>a</analysis><intent></intent> r", "empty intent"],
    ["empty_intent", "<analysis>a</analysis><intent> \n\t</intent> r", "blank intent"],
    ["empty_reply", "<analysis>a</analysis><intent>x</intent>", "no reply"],
    ["empty_reply", "<analysis>a</analysis><intent>x</intent> \n\u00a0 ", "blank reply"],
  ];

  it.each(table)("%s: %j (%s)", (code, text) => {
    expect(errorOf(text)).toBe(code);
  });

  it("covers every error code in the table", () => {
    expect(new Set(table.map(([code]) => code))).toEqual(new Set(FORMAT_ERROR_CODES));
  });

  describe("precedence", () => {
    it.each([
      ["malformed beats duplicate", "<analysis><analysis>a</analysis><Intent>x</intent> r", "malformed_tag"],
      ["malformed beats text before", "hi <analysis>a</analysis><intent>x</intent> r <Intent>", "malformed_tag"],
      ["duplicate beats missing", "<intent><intent> r", "duplicate_tag"],
      ["duplicate beats out of order", "<intent>x</intent><analysis>a</analysis> r </intent>", "duplicate_tag"],
      ["missing analysis beats missing intent", "hello", "missing_analysis"],
      ["unclosed analysis beats missing intent", "<analysis>a", "unclosed_tag"],
      ["out of order beats text before", "<intent>x</intent> hi <analysis>a</analysis> r", "out_of_order"],
      ["text before beats text between", "hi <analysis>a</analysis> so <intent>x</intent> r", "text_before_analysis"],
      ["text between beats empty intent", "<analysis>a</analysis> so <intent></intent> r", "text_between_tags"],
      ["empty intent beats empty reply", "<analysis>a</analysis><intent></intent>", "empty_intent"],
    ])("%s", (_name, text, code) => {
      expect(errorOf(text)).toBe(code);
    });
  });

  it.each([
    ["<analysis>a</analysis><intent>x</intent><intent>y</intent> r", "the <intent> tag appears twice"],
    ["<analysis>a</analysis><intent>x</intent> r </intent></intent>", "the </intent> tag appears 3 times"],
    ["<analysis>a</analysis><Intent>x</intent> r", 'malformed tag "<Intent>" at offset 22'],
  ])("gives a readable message for %j", (text, fragment) => {
    const parsed = parseCompletion(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(fragment);
  });

  it("truncates huge malformed tags in the message", () => {
    const parsed = parseCompletion(`<analysis>a</analysis><intent ${"x".repeat(10_000)}>x</intent> r`);
    expect(parsed).toMatchObject({ ok: false, error: "malformed_tag" });
    if (!parsed.ok) expect(parsed.message.length).toBeLessThan(300);
  });

  it("treats exactly the characters trim() removes as whitespace between blocks", () => {
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      const ok = parseCompletion(`<analysis>a</analysis>${char}<intent>x</intent> r`).ok;
      if (ok !== (char.trim() === "")) throw new Error(`U+${code.toString(16)}: ok=${ok}`);
    }
  });
});

describe("gradeIntent", () => {
  it("grades a correct prediction", () => {
    expect(gradeIntent(WELL_FORMED, "cancel_order")).toEqual({
      verdict: "correct",
      predictedIntent: "cancel_order",
      reply: "Sure, I can help.",
      analysis: "Wants to cancel.",
      formatError: null,
      formatErrorMessage: null,
      unknownIntent: false,
      reward: 1,
    });
  });

  it.each([["CANCEL_ORDER"], ["  cancel_order\n"], ["Cancel_Order"]])("normalises the expected intent %j", (expected) => {
    expect(gradeIntent(WELL_FORMED, expected).verdict).toBe("correct");
  });

  it("grades a wrong prediction", () => {
    expect(gradeIntent(WELL_FORMED, "track_order")).toMatchObject({ verdict: "wrong", reward: -1, unknownIntent: false });
  });

  it("grades a format error with null fields", () => {
    expect(gradeIntent("<analysis>a</analysis><intent>x</intent>", "x")).toEqual({
      verdict: "format_error",
      predictedIntent: null,
      reply: null,
      analysis: null,
      formatError: "empty_reply",
      formatErrorMessage: "there is no reply to the customer after </intent>",
      unknownIntent: false,
      reward: -1,
    });
  });

  describe("taxonomy", () => {
    const taxonomy = new Set(["cancel_order", "track_order"]);
    it.each([
      ["known and matching", "cancel_order", "cancel_order", "correct", false],
      ["known but different", "cancel_order", "track_order", "wrong", false],
      ["unknown", "refund_please", "refund_please", "wrong", true],
      ["unknown and different", "refund_please", "cancel_order", "wrong", true],
    ] as const)("%s", (_name, predicted, expected, verdict, unknownIntent) => {
      const text = `<analysis>a</analysis><intent>${predicted.toUpperCase()}</intent> r`;
      expect(gradeIntent(text, expected, { taxonomy })).toMatchObject({ verdict, unknownIntent });
    });

    it("never flags unknown intents without a taxonomy or on format errors", () => {
      expect(gradeIntent(WELL_FORMED.replace("cancel_order", "zzz"), "zzz").unknownIntent).toBe(false);
      expect(gradeIntent("nope", "x", { taxonomy }).unknownIntent).toBe(false);
    });
  });

  it("applies custom rewards", () => {
    const rewards = { correct: 2, wrong: -0.5, formatError: -3 };
    expect(gradeIntent(WELL_FORMED, "cancel_order", { rewards }).reward).toBe(2);
    expect(gradeIntent(WELL_FORMED, "other", { rewards }).reward).toBe(-0.5);
    expect(gradeIntent("garbage", "other", { rewards }).reward).toBe(-3);
  });
});

describe("rewardFor and constants", () => {
  it("uses the default rewards 1 / -1 / -1", () => {
    expect(DEFAULT_REWARDS).toEqual({ correct: 1, wrong: -1, formatError: -1 });
    expect(INTENT_VERDICTS.map((verdict) => rewardFor(verdict))).toEqual([1, -1, -1]);
  });

  it("maps each verdict to its configured reward", () => {
    const rewards = { correct: 10, wrong: 20, formatError: 30 };
    expect(INTENT_VERDICTS.map((verdict) => rewardFor(verdict, rewards))).toEqual([10, 20, 30]);
  });

  it("freezes the shared constants", () => {
    expect(Object.isFrozen(DEFAULT_REWARDS)).toBe(true);
    expect(Object.isFrozen(INTENT_VERDICTS)).toBe(true);
  });

  it("normalizeIntent trims and lower-cases", () => {
    expect(normalizeIntent("  Cancel_ORDER\n")).toBe("cancel_order");
  });
});

// Speed is measured by `npm run bench`; these only prove that large and
// adversarial inputs are handled (a quadratic scan would hit the test timeout).
describe("large and adversarial inputs", () => {
  it("grades a 200 KB tag-dense completion", () => {
    const reply = "Hello <b>there</b>, a < b and c > d. ".repeat(5_500);
    const text = `<analysis>wants x</analysis><intent>x</intent> ${reply}`;
    expect(text.length).toBeGreaterThan(200_000);
    expect(gradeIntent(text, "x")).toMatchObject({ verdict: "correct", reply: reply.trim() });
  });

  const MB = 1_000_000;
  it.each([
    ["'<' repeated", "<".repeat(MB)],
    ["'< ' repeated", "< ".repeat(MB / 2)],
    ["'</ ' repeated", "</ ".repeat(MB / 3)],
    ["unterminated '<intent ' repeated", "<intent ".repeat(MB / 8)],
    ["'<' then 1 MB of spaces then a name", `<${" ".repeat(MB)}intent>`],
    ["one tag with a 1 MB attribute", `<intent ${"a".repeat(MB)}`],
    ["'<analysis>' repeated", "<analysis>".repeat(MB / 10)],
    ["1 MB of whitespace", " ".repeat(MB)],
  ])("rejects 1 MB adversarial input as a format error: %s", (_name, text) => {
    expect(gradeIntent(text, "x").verdict).toBe("format_error");
  });

  it("reads '<intent' without a closing '>' in a 1 MB reply as plain text", () => {
    const text = `<analysis>a</analysis><intent>x</intent> ${"<intent".repeat(MB / 7)}`;
    expect(gradeIntent(text, "x").verdict).toBe("correct");
  });
});
