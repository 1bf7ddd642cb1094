import type { RubricItem } from "../validations/taxonomy";

/**
 * The built-in rubric judge: deterministic and offline. Each rubric item is a
 * plain, case-insensitive substring check against the customer-visible reply
 * (never a regular expression, so a user-supplied rubric cannot be slow).
 */
export const RUBRIC_JUDGE = { name: "rubric", version: "1" } as const;

export type RubricVerdict = { verdict: "pass" | "fail"; rationale: string };

/** Rationale used when the completion could not be parsed into a reply. */
export const FORMAT_ERROR_RATIONALE = "format error";

type ItemFailure = { item: RubricItem; forbidden?: string };

function checkItem(haystack: string, item: RubricItem): ItemFailure | null {
  if (item.mustInclude && !item.mustInclude.some((phrase) => haystack.includes(phrase.toLowerCase()))) {
    return { item };
  }
  if (item.mustNotInclude) {
    const forbidden = item.mustNotInclude.find((phrase) => haystack.includes(phrase.toLowerCase()));
    if (forbidden !== undefined) return { item, forbidden };
  }
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
  const failures: ItemFailure[] = [];
  for (const item of rubric) {
    const failure = checkItem(haystack, item);
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
