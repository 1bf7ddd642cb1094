import type { SuccessKind } from "@/lib/metrics/queries";
import { shortName } from "../name";

export const METRIC_LABELS: Record<SuccessKind, string> = {
  system: "System (right intent and policy pass)",
  intent: "Intent (right intent)",
  policy: "Policy (pass)",
};

const labelClass = "text-sm font-medium text-ink";
const selectClass = "mt-1 block w-56 rounded-md border border-line bg-white px-3 py-2 text-sm text-ink";

/** Two run pickers and the metric: a plain GET form, so it works without JavaScript. */
export function CompareForm({ runs, a, b, metric }: { runs: string[]; a: string; b: string; metric: SuccessKind }) {
  return (
    <form method="get" className="flex flex-wrap items-end gap-4 rounded-lg border border-line bg-white p-4" aria-label="Choose runs to compare">
      <div>
        <label htmlFor="compare-a" className={labelClass}>Run A</label>
        <select id="compare-a" name="a" defaultValue={a} className={selectClass}>
          {runs.map((run) => <option key={run} value={run} dir="auto">{shortName(run)}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor="compare-b" className={labelClass}>Run B</label>
        <select id="compare-b" name="b" defaultValue={b} className={selectClass}>
          {runs.map((run) => <option key={run} value={run} dir="auto">{shortName(run)}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor="compare-metric" className={labelClass}>Success means</label>
        <select id="compare-metric" name="metric" defaultValue={metric} className={`${selectClass} w-80`}>
          {Object.entries(METRIC_LABELS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </select>
      </div>
      <button type="submit" className="rounded-md bg-ink px-4 py-2 text-sm font-medium text-white hover:bg-ink/90">
        Compare
      </button>
    </form>
  );
}
