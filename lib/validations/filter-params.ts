/**
 * The completion filter's parameter names, in the order links write them, and
 * the query string of a filter. Apart from the schema (./filters.ts, which
 * checks that its shape has exactly these keys) so that components running in
 * the browser can build links to the table without shipping zod.
 */
export const COMPLETION_FILTER_IDS = [
  "run",
  "expectedIntent",
  "predictedIntent",
  "intentVerdict",
  "policyVerdict",
  "systemSuccess",
  "stale",
  "tag",
  "success",
  "agreement",
  "winner",
  "q",
  "judge",
] as const;
export type CompletionFilterId = (typeof COMPLETION_FILTER_IDS)[number];

type FilterValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;

/** The query string for a filter (links from the UI, a failure set replayed against the API). */
export function completionFilterSearchParams(filter: { readonly [id in CompletionFilterId]?: FilterValue }): URLSearchParams {
  const params = new URLSearchParams();
  for (const id of COMPLETION_FILTER_IDS) {
    const value = filter[id];
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(id, String(item));
  }
  return params;
}
