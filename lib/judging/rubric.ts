import { unsafePattern, type RubricItem } from "../validations/taxonomy";

/**
 * The built-in rubric judge: deterministic and offline. Each rubric item is
 * checked against the customer-visible reply, case-insensitively:
 *
 * - `mustInclude`: the reply contains at least one of the phrases;
 * - `mustNotInclude`: it contains none of them (the rationale quotes the one found);
 * - `mustAskFor`: one of its questions (a sentence ending in "?") contains one of them.
 *
 * An item passes when all of its checks pass. Phrases are plain text unless
 * the item says `match: "regex"`; such patterns were screened on the way in
 * (`unsafePattern`: length, compiling, no repeated repeating groups) and are
 * screened again here, an unsafe one failing its item instead of running.
 * A format error (`reply === null`) fails with the rationale "format error".
 * The rationale names every failed item by its description.
 */
export const RUBRIC_JUDGE = { name: "rubric", version: "1" } as const;

export type RubricVerdict = { verdict: "pass" | "fail"; rationale: string };

/** Rationale used when the completion could not be parsed into a reply. */
export const FORMAT_ERROR_RATIONALE = "format error";

type ItemFailure = { item: RubricItem; forbidden?: string };

/** Finds a phrase in a lower-cased text: returns the matched text, or null. */
type Matcher = (lowerText: string) => string | null;

const compiled = new Map<string, RegExp | null>();

function regexFor(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = unsafePattern(pattern) === null ? new RegExp(pattern, "i") : null;
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

function matcher(item: RubricItem, phrase: string): Matcher {
  if (item.match === "regex") {
    const regex = regexFor(phrase);
    return (text) => (regex ? (regex.exec(text)?.[0] ?? null) : null);
  }
  const lower = phrase.toLowerCase();
  return (text) => (text.includes(lower) ? phrase : null);
}

function anyMatch(item: RubricItem, phrases: readonly string[], texts: readonly string[]): string | null {
  for (const phrase of phrases) {
    const find = matcher(item, phrase);
    for (const text of texts) {
      const found = find(text);
      if (found !== null) return found;
    }
  }
  return null;
}

/** The reply's questions: its sentences (split after . ! ? followed by space, or at line breaks) that end in "?". */
export function questionsOf(lowerReply: string): string[] {
  return lowerReply
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.endsWith("?"));
}

function checkItem(haystack: string, item: RubricItem, questions: () => string[]): ItemFailure | null {
  if (item.mustInclude && anyMatch(item, item.mustInclude, [haystack]) === null) return { item };
  if (item.mustNotInclude) {
    const forbidden = anyMatch(item, item.mustNotInclude, [haystack]);
    if (forbidden !== null) return { item, forbidden };
  }
  if (item.mustAskFor && anyMatch(item, item.mustAskFor, questions()) === null) return { item };
  return null;
}

function describeFailure({ item, forbidden }: ItemFailure): string {
  return forbidden === undefined ? item.description : `${item.description} (found "${forbidden}")`;
}

/**
 * Judges a reply against the rubric of an intent (normally the intent the
 * model predicted). `reply === null` means the completion had a format error.
 */
export function judgeWithRubric(reply: string | null, rubric: readonly RubricItem[]): RubricVerdict {
  if (reply === null) return { verdict: "fail", rationale: FORMAT_ERROR_RATIONALE };
  if (rubric.length === 0) return { verdict: "pass", rationale: "no rubric items for this intent" };

  const haystack = reply.toLowerCase();
  let questions: string[] | null = null;
  const askedQuestions = () => (questions ??= questionsOf(haystack));
  const failures: ItemFailure[] = [];
  for (const item of rubric) {
    const failure = checkItem(haystack, item, askedQuestions);
    if (failure) failures.push(failure);
  }

  if (failures.length === 0) {
    return {
      verdict: "pass",
      rationale: rubric.length === 1 ? "1 rubric item met" : `all ${rubric.length} rubric items met`,
    };
  }
  const of = `${failures.length} of ${rubric.length} rubric ${rubric.length === 1 ? "item" : "items"} failed`;
  return { verdict: "fail", rationale: `${of}: ${failures.map(describeFailure).join("; ")}` };
}
