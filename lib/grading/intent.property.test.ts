import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CANONICAL_TAGS,
  FORMAT_ERROR_CODES,
  type RewardConfig,
  gradeIntent,
  parseCompletion,
  rewardFor,
} from "./intent";

const RUNS = { numRuns: 300 };

/**
 * Independent regex oracle for the grammar (too slow for production because of
 * backtracking, fine for small test inputs). Without the `u` flag, `i` only
 * folds ASCII letters onto ASCII letters, like the real lexer.
 */
const TAG_LIKE = /<\s*\/?\s*(?:analysis|intent)(?=[\s/>])[^<>]*>/gi;
const hasTagLike = (text: string) => text.search(TAG_LIKE) !== -1;

function oracle(text: string) {
  const tags = [...text.matchAll(TAG_LIKE)];
  if (tags.length !== 4 || tags.some((tag, k) => tag[0] !== CANONICAL_TAGS[k])) return null;
  const at = tags.map((tag) => ({ start: tag.index, end: tag.index + tag[0].length }));
  const [a, b, c, d] = at as [(typeof at)[0], (typeof at)[0], (typeof at)[0], (typeof at)[0]];
  const intent = text.slice(c.end, d.start).trim();
  const reply = text.slice(d.end).trim();
  if (text.slice(0, a.start).trim() || text.slice(b.end, c.start).trim() || !intent || !reply) return null;
  return { ok: true, analysis: text.slice(a.end, b.start).trim(), predictedIntent: intent.toLowerCase(), reply };
}

// ---------------------------------------------------------------- generators

const WHITESPACE = [" ", "\n", "\t", "\r\n", "\u00a0", "\u3000", "\ufeff", "\u2028"];
const NOISE = ["a", "Z", "é", "ß", "ſ", "İ", "ı", "😀", "👍🏽", " ", "\n", "<", ">", "/", "=", '"', "intent", "analysis",
  "INTENT", "a < b", "<b>", "</b>", "<intents>", "<intent_id>", "&lt;", "<intent", "analysis>", "cancel_order"];

const whitespace = fc.array(fc.constantFrom(...WHITESPACE), { maxLength: 4 }).map((parts) => parts.join(""));
const noisyText = fc.array(fc.constantFrom(...NOISE), { maxLength: 12 }).map((parts) => parts.join(""));
/** Free text that contains no tag-like token: brackets, unicode, near-miss tag names. */
const freeText = fc
  .oneof(noisyText, fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.string())
  .filter((text) => !hasTagLike(text));
const nonBlank = freeText.filter((text) => text.trim() !== "");

/** A well-formed completion as segments: free text at even indices, tags at odd ones. */
const wellFormed = fc
  .record({ lead: whitespace, analysis: freeText, between: whitespace, intent: nonBlank, reply: nonBlank })
  .map((p) => ({
    parts: p,
    segments: [p.lead, CANONICAL_TAGS[0], p.analysis, CANONICAL_TAGS[1], p.between, CANONICAL_TAGS[2], p.intent,
      CANONICAL_TAGS[3], p.reply] as string[],
  }));
const TAG_SEGMENT = [1, 3, 5, 7] as const;
const FREE_SEGMENT = [0, 2, 4, 6, 8] as const;

/** Inserts `insert` at a generated position inside segment `index`. */
function insertInto(segments: readonly string[], index: number, offset: number, insert: string): string {
  const copy = [...segments];
  const target = copy[index] ?? "";
  const at = Math.min(offset, target.length);
  copy[index] = target.slice(0, at) + insert + target.slice(at);
  return copy.join("");
}

/** Non-canonical spellings of a canonical tag: case, inner whitespace, attributes, self-closing. */
function malformedVariant(tag: string, mutation: number, mask: number): string {
  const closing = tag.startsWith("</");
  const name = tag.slice(closing ? 2 : 1, -1);
  const slash = closing ? "/" : "";
  switch (mutation) {
    case 0: {
      const cased = [...name].map((ch, i) => ((mask >> i) & 1 ? ch.toUpperCase() : ch)).join("");
      return `<${slash}${cased === name ? name.toUpperCase() : cased}>`;
    }
    case 1:
      return `< ${slash}${name}>`;
    case 2:
      return `<${slash}${name}\n>`;
    case 3:
      return closing ? `</ ${name}>` : `<${name} id="x">`;
    default:
      return `<${slash}${name}/>`;
  }
}

// ---------------------------------------------------------------- properties

describe("parseCompletion properties", () => {
  it("parses well-formed completions and recovers their parts (unicode included)", () => {
    fc.assert(
      fc.property(wellFormed, ({ parts, segments }) => {
        expect(parseCompletion(segments.join(""))).toEqual({
          ok: true,
          analysis: parts.analysis.trim(),
          predictedIntent: parts.intent.trim().toLowerCase(),
          reply: parts.reply.trim(),
        });
      }),
      RUNS,
    );
  });

  it("reports the expected code when any one tag is removed", () => {
    const expected = ["missing_analysis", "unclosed_tag", "missing_intent", "unclosed_tag"];
    fc.assert(
      fc.property(wellFormed, fc.integer({ min: 0, max: 3 }), ({ segments }, k) => {
        const index = TAG_SEGMENT[k] ?? 1;
        // The two neighbours become adjacent; skip the rare case where they spell a new tag.
        fc.pre(!hasTagLike((segments[index - 1] ?? "") + (segments[index + 1] ?? "")));
        const text = segments.filter((_, i) => i !== index).join("");
        expect(parseCompletion(text)).toMatchObject({ ok: false, error: expected[k] });
      }),
      RUNS,
    );
  });

  it("reports duplicate_tag when any tag is duplicated anywhere", () => {
    fc.assert(
      fc.property(
        wellFormed,
        fc.constantFrom(...CANONICAL_TAGS),
        fc.constantFrom(...FREE_SEGMENT),
        fc.nat(),
        ({ segments }, tag, index, offset) => {
          const text = insertInto(segments, index, offset, tag);
          expect(parseCompletion(text)).toMatchObject({ ok: false, error: "duplicate_tag" });
        },
      ),
      RUNS,
    );
  });

  it("reports unclosed_tag when a closing tag is missing at the end of the block", () => {
    fc.assert(
      fc.property(wellFormed, fc.boolean(), ({ parts }, analysisUnclosed) => {
        const text = analysisUnclosed
          ? `${parts.lead}<analysis>${parts.analysis}`
          : `${parts.lead}<analysis>${parts.analysis}</analysis>${parts.between}<intent>${parts.intent}`;
        expect(parseCompletion(text)).toMatchObject({ ok: false, error: "unclosed_tag" });
      }),
      RUNS,
    );
  });

  it("rejects every truncation that ends before the reply starts", () => {
    fc.assert(
      fc.property(wellFormed, fc.nat(), ({ segments }, cut) => {
        const text = segments.join("");
        const replyStart = text.length - (segments[8] ?? "").trimStart().length;
        expect(parseCompletion(text.slice(0, cut % (replyStart + 1))).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it("rejects nested blocks", () => {
    fc.assert(
      fc.property(wellFormed, fc.boolean(), fc.boolean(), ({ parts: p }, intentInside, alsoOutside) => {
        const analysisBlock = `<analysis>${p.analysis}</analysis>`;
        const intentBlock = `<intent>${p.intent}</intent>`;
        const text = intentInside
          ? `${p.lead}<analysis>${p.analysis}${intentBlock}</analysis>${alsoOutside ? intentBlock : ""} ${p.reply}`
          : `${p.lead}${alsoOutside ? analysisBlock : ""}<intent>${p.intent}${analysisBlock}</intent> ${p.reply}`;
        const error = alsoOutside ? "duplicate_tag" : "out_of_order";
        expect(parseCompletion(text)).toMatchObject({ ok: false, error });
      }),
      RUNS,
    );
  });

  it("reports out_of_order when the two blocks are swapped", () => {
    fc.assert(
      fc.property(wellFormed, ({ parts: p }) => {
        const text = `${p.lead}<intent>${p.intent}</intent>${p.between}<analysis>${p.analysis}</analysis>${p.reply}`;
        expect(parseCompletion(text)).toMatchObject({ ok: false, error: "out_of_order" });
      }),
      RUNS,
    );
  });

  it("reports malformed_tag when any tag is re-cased, spaced or given attributes", () => {
    fc.assert(
      fc.property(
        wellFormed,
        fc.constantFrom(...TAG_SEGMENT),
        fc.integer({ min: 0, max: 4 }),
        fc.nat(),
        ({ segments }, index, mutation, mask) => {
          const copy = [...segments];
          copy[index] = malformedVariant(copy[index] ?? "", mutation, mask);
          expect(parseCompletion(copy.join(""))).toMatchObject({ ok: false, error: "malformed_tag" });
        },
      ),
      RUNS,
    );
  });

  it("reports empty_intent and empty_reply for blank content", () => {
    fc.assert(
      fc.property(wellFormed, whitespace, fc.boolean(), ({ segments }, blank, blankIntent) => {
        const copy = [...segments];
        copy[blankIntent ? 6 : 8] = blank;
        const error = blankIntent ? "empty_intent" : "empty_reply";
        expect(parseCompletion(copy.join(""))).toMatchObject({ ok: false, error });
      }),
      RUNS,
    );
  });

  it("parses completions with a 1 MB reply", () => {
    fc.assert(
      fc.property(wellFormed, nonBlank, ({ segments }, chunk) => {
        const reply = `${chunk.trim()} `.repeat(Math.ceil(1_000_000 / (chunk.trim().length + 1))).trim();
        fc.pre(!hasTagLike(reply)); // repetition can glue e.g. "intent> <" into "< intent>"
        const text = [...segments.slice(0, 8), reply].join("");
        expect(parseCompletion(text)).toMatchObject({ ok: true, reply });
      }),
      { numRuns: 200 },
    );
    // 200 MB of text parsed: a correctness test over large inputs, not a timing one, so it gets the time a busy machine needs.
  }, 60_000);
});

// Mostly well-formed text, randomly damaged, plus tag soup: exercises every branch.
const SOUP = [...CANONICAL_TAGS, ...CANONICAL_TAGS, "<Intent>", "< intent>", "</ANALYSIS >", '<intent id="1">', ...NOISE,
  ...WHITESPACE];
const damaged = fc
  .tuple(wellFormed, fc.nat(), fc.nat({ max: 12 }), fc.constantFrom("", ...SOUP))
  .map(([{ segments }, at, removed, insert]) => {
    const text = segments.join("");
    const cut = at % (text.length + 1);
    return text.slice(0, cut) + insert + text.slice(cut + removed);
  });
const anyText = fc.oneof(
  wellFormed.map(({ segments }) => segments.join("")),
  damaged,
  fc.array(fc.constantFrom(...SOUP), { maxLength: 16 }).map((parts) => parts.join("")),
  fc.string({ unit: "binary" }),
);
const rewards: fc.Arbitrary<RewardConfig> = fc.record({
  correct: fc.double({ noNaN: true }),
  wrong: fc.double({ noNaN: true }),
  formatError: fc.double({ noNaN: true }),
});

describe("gradeIntent properties", () => {
  it("agrees with the regex oracle", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseCompletion(text);
        const expected = oracle(text);
        if (expected === null) expect(parsed.ok).toBe(false);
        else expect(parsed).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("is total and deterministic, with reward = rewardFor(verdict) and consistent nulls", () => {
    fc.assert(
      fc.property(anyText, fc.string(), rewards, (text, expectedIntent, config) => {
        const grade = gradeIntent(text, expectedIntent, { rewards: config });
        expect(gradeIntent(text, expectedIntent, { rewards: config })).toEqual(grade);
        expect(grade.reward).toBe(rewardFor(grade.verdict, config));
        const failed = grade.verdict === "format_error";
        expect(grade.formatError === null).toBe(!failed);
        expect(grade.formatErrorMessage === null).toBe(!failed);
        expect([grade.predictedIntent, grade.reply, grade.analysis].every((v) => (v === null) === failed)).toBe(true);
        if (failed) expect(FORMAT_ERROR_CODES).toContain(grade.formatError);
      }),
      RUNS,
    );
  });

  it("is correct iff the parse succeeds and the prediction equals the normalised label", () => {
    const label = fc.oneof(
      fc.constantFrom("cancel_order", "CANCEL_ORDER", " Cancel_Order\n", "track_order", "é", "É"),
      fc.string(),
    );
    fc.assert(
      fc.property(anyText, label, (text, expectedIntent) => {
        // The regex oracle and the rule as written (labels compare trimmed and lower-cased), not the grader's own parts.
        const parsed = oracle(text);
        const correct = parsed !== null && parsed.predictedIntent === expectedIntent.trim().toLowerCase();
        expect(gradeIntent(text, expectedIntent).verdict).toBe(correct ? "correct" : parsed !== null ? "wrong" : "format_error");
      }),
      RUNS,
    );
  });

  it("flags unknown intents exactly when a taxonomy is given and misses the prediction", () => {
    const taxonomy = new Set(["cancel_order", "track_order", "é"]);
    fc.assert(
      fc.property(anyText, fc.constantFrom("cancel_order", "refund", "é"), (text, expectedIntent) => {
        const parsed = parseCompletion(text);
        const grade = gradeIntent(text, expectedIntent, { taxonomy });
        expect(grade.unknownIntent).toBe(parsed.ok && !taxonomy.has(parsed.predictedIntent));
        if (grade.unknownIntent) expect(grade.verdict).toBe("wrong");
      }),
      RUNS,
    );
  });
});
