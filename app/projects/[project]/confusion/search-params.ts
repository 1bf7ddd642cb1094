/** URL state of the confusion page: `?run=<run name>`, parsed tolerantly. */
import type { RunInfo } from "@/lib/metrics/queries";
import { parseSearchParams, pickByName, textParam, type SearchParams } from "@/lib/url-state";

const shape = { run: textParam() };

/** The run to show: the one named in the URL, else the first run; `unknown` is a name that matched no run. */
export function confusionState(runs: readonly RunInfo[], params: SearchParams): { run: RunInfo | undefined; unknown: string | null } {
  const picked = pickByName(runs, parseSearchParams(shape, params).run);
  return { run: picked.chosen ?? runs[0], unknown: picked.unknown };
}
