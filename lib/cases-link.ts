/**
 * Links to the interaction table filtered to exactly some completions: every
 * count the UI shows is one of these, with the parameter names of the filter
 * schema (lib/validations/filters.ts), so the table shows that count.
 */
import type { IntentVerdict } from "./grading/intent";
import { completionFilterSearchParams, type PolicyVerdict } from "./validations/filters";

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
