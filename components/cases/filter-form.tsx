import { INTENT_VERDICTS } from "@/lib/grading/intent";
import type { FacetCountsData, FacetId } from "@/lib/query/facets";
import { AGREEMENTS, POLICY_VERDICTS, SUCCESS_KINDS, type CompletionFilter } from "@/lib/validations/filters";
import { shortName } from "../name";
import { CountedSelect, FacetCount, FacetCountsProvider, FacetNote, PredictedIntentList, type LaterCounts } from "./facet-counts";

const field = "mt-1 block w-48 rounded-md border border-line bg-white px-3 py-2 text-sm text-ink";
/** The text search's field: wide enough for its hint and a few words. */
const wideField = "mt-1 block w-64 rounded-md border border-line bg-white px-3 py-2 text-sm text-ink";
const legend = "block text-xs font-medium text-muted";

const VERDICT_LABELS: Record<string, string> = {
  correct: "correct",
  wrong: "wrong",
  format_error: "format error",
  pass: "pass",
  fail: "fail",
  pending: "pending",
  true: "succeeds",
  false: "does not",
};
const AGREEMENT_LABELS: Record<(typeof AGREEMENTS)[number], string> = {
  paired: "answered by all",
  disagree: "runs disagree",
  allSucceed: "all succeed",
  allFail: "all fail",
};

/** Check boxes, one per value, each with its facet count: several checked values are alternatives. */
function Checks({ id, label, name, values, checked, labels }: { id: FacetId; label: string; name: string; values: readonly string[]; checked: readonly string[] | undefined; labels?: Record<string, string> }) {
  return (
    <fieldset data-testid={`facet-${id}`}>
      <legend className={legend}>{label}</legend>
      <div className="mt-1 flex max-h-40 flex-col gap-0.5 overflow-y-auto pr-2">
        {values.map((value) => (
          <label key={value} className="flex items-center gap-2 text-sm text-ink">
            <input type="checkbox" name={name} value={value} defaultChecked={checked?.includes(value) ?? false} className="accent-ink" />
            <span dir="auto" className="truncate">{labels?.[value] ?? shortName(value, 40)}</span>
            <FacetCount id={id} value={value} />
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Select({ id, label, name, value, options, blank = "any" }: { id: string; label: string; name: string; value: string | undefined; options: { value: string; label: string }[]; blank?: string }) {
  return (
    <div>
      <label htmlFor={id} className={legend}>{label}</label>
      <select id={id} name={name} defaultValue={value ?? ""} className={field}>
        <option value="">{blank}</option>
        {options.map((option) => <option key={option.value} value={option.value} dir="auto">{option.label}</option>)}
      </select>
    </div>
  );
}

/**
 * The table's filters as a plain GET form (the URL is the state), with the
 * exact count beside each value: `facets` holds those counted before the page
 * was sent, `later` the others, which fill in when they arrive
 * (./facet-counts.tsx). The view's own parameters (row kind, sort, density,
 * columns) ride along as hidden fields.
 */
export function FilterForm({ filter, runs, intents, facets, later, keep, judges }: { filter: CompletionFilter; runs: string[]; intents: { id: string; label: string }[]; facets: FacetCountsData; later: LaterCounts[]; keep: [string, string][]; judges: { names: string[]; primary: string | null } }) {
  const one = (values: readonly string[] | undefined) => (values?.length === 1 ? values[0] : undefined);
  return (
    <FacetCountsProvider ready={facets} later={later}>
      <form method="get" aria-label="Filter completions" className="space-y-4 rounded-lg border border-line bg-white p-4">
        {keep.map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
        <div className="flex flex-wrap items-start gap-6">
          <Checks id="run" label="Runs" name="run" values={runs} checked={filter.run} />
          <Checks id="intentVerdict" label="Intent verdict" name="intentVerdict" values={INTENT_VERDICTS} checked={filter.intentVerdict} labels={VERDICT_LABELS} />
          <Checks id="policyVerdict" label="Policy verdict" name="policyVerdict" values={POLICY_VERDICTS} checked={filter.policyVerdict} labels={VERDICT_LABELS} />
          <CountedSelect id="f-system" facet="systemSuccess" label="System success" name="systemSuccess" value={filter.systemSuccess === undefined ? undefined : String(filter.systemSuccess)}
            options={["true", "false"].map((value) => ({ value, label: VERDICT_LABELS[value]! }))} className={field} labelClassName={legend} />
          <Select id="f-stale" label="Stale verdict" name="stale" value={filter.stale === undefined ? undefined : String(filter.stale)}
            options={[{ value: "true", label: "stale: judged on an older guideline" }, { value: "false", label: "not stale" }]} />
          <Select id="f-judge" label="Policy verdicts of" name="judge" value={filter.judge}
            blank={judges.primary === null ? "latest of any judge" : `primary judge (${shortName(judges.primary, 30)})`}
            options={judges.names.map((name) => ({ value: name, label: `${shortName(name, 36)} alone` }))} />
        </div>
        <div className="flex flex-wrap items-end gap-4">
          <CountedSelect id="f-expected" facet="expectedIntent" label="Ground truth" name="expectedIntent" value={one(filter.expectedIntent)} options={intents.map((intent) => ({ value: intent.id, label: intent.id }))} className={field} labelClassName={legend} />
          <div>
            <label htmlFor="f-predicted" className={legend}>Predicted intent</label>
            <input id="f-predicted" name="predictedIntent" defaultValue={one(filter.predictedIntent) ?? ""} className={field} list="f-intents" />
            <PredictedIntentList id="f-intents" intents={intents.map((intent) => intent.id)} />
          </div>
          <div>
            <label htmlFor="f-tag" className={legend}>Tag</label>
            <input id="f-tag" name="tag" defaultValue={one(filter.tag) ?? ""} className={field} />
          </div>
          <div>
            <label htmlFor="f-q" className={legend}>Text</label>
            <input id="f-q" name="q" type="search" defaultValue={filter.q ?? ""} className={wideField} placeholder="in messages and replies" />
          </div>
        </div>
        <div className="flex flex-wrap items-end gap-4">
          <CountedSelect id="f-agreement" facet="agreement" label="Across the runs" name="agreement" value={filter.agreement} options={AGREEMENTS.map((value) => ({ value, label: AGREEMENT_LABELS[value] }))} className={field} labelClassName={legend} />
          <Select id="f-success" label="Success means" name="success" value={filter.success} options={SUCCESS_KINDS.map((value) => ({ value, label: value === "system" ? "system (intent and policy)" : value }))} />
          <CountedSelect id="f-winner" facet="winner" label="Succeeds in run" name="winner" value={one(filter.winner)} options={runs.map((run) => ({ value: run, label: shortName(run) }))} className={field} labelClassName={legend} />
          <button type="submit" className="rounded-md bg-ink px-4 py-2 text-sm font-medium text-white">Apply</button>
        </div>
      </form>
      <FacetNote />
    </FacetCountsProvider>
  );
}
