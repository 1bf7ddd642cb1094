/**
 * Links to the interaction table filtered to exactly some completions: every
 * count the UI shows is one of these, with the parameter names of the filter
 * schema (lib/validations/filters.ts), so the table shows that count.
 */
import type { IntentVerdict } from "./grading/intent";
import { completionFilterSearchParams } from "./validations/filter-params";
import type { PolicyVerdict } from "./validations/filters";

export interface CasesLinkFilter {
  run?: string;
  expectedIntent?: string;
  predictedIntent?: string;
  intentVerdict?: IntentVerdict;
  policyVerdict?: PolicyVerdict;
}

export function casesHref(project: string, filter: CasesLinkFilter): string {
  const query = completionFilterSearchParams({
    run: filter.run === undefined ? undefined : [filter.run],
    expectedIntent: filter.expectedIntent === undefined ? undefined : [filter.expectedIntent],
    predictedIntent: filter.predictedIntent === undefined ? undefined : [filter.predictedIntent],
    intentVerdict: filter.intentVerdict === undefined ? undefined : [filter.intentVerdict],
    policyVerdict: filter.policyVerdict === undefined ? undefined : [filter.policyVerdict],
  });
  return `/projects/${encodeURIComponent(project)}/cases${query.size > 0 ? `?${query}` : ""}`;
}

/** Which paired cases of a comparison: all of them, both succeed, both fail, or the one run alone succeeds (`winner`). */
export type ComparisonAgreement = "paired" | "allSucceed" | "allFail" | "disagree";

export interface ComparisonCasesFilter {
  a: string;
  b: string;
  /** What success means: intent, policy or system. */
  success: "intent" | "policy" | "system";
  agreement: ComparisonAgreement;
  /** With agreement "disagree": the run whose completion succeeds. */
  winner?: string;
  expectedIntent?: string;
}

/**
 * The table, one row per case, at the cases behind a comparison figure: the
 * case-level filter parameters of the table (`rows=case`, `run` twice,
 * `success`, `agreement`, `winner`), in that order.
 */
export function comparisonCasesHref(project: string, filter: ComparisonCasesFilter): string {
  const query = new URLSearchParams([["rows", "case"], ["run", filter.a], ["run", filter.b], ["success", filter.success], ["agreement", filter.agreement]]);
  if (filter.winner !== undefined) query.append("winner", filter.winner);
  if (filter.expectedIntent !== undefined) query.append("expectedIntent", filter.expectedIntent);
  return `/projects/${encodeURIComponent(project)}/cases?${query}`;
}
