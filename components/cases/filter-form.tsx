import { INTENT_VERDICTS } from "@/lib/grading/intent";
import { POLICY_VERDICTS, type CompletionFilter } from "@/lib/validations/filters";
import { shortName } from "../name";

const field = "mt-1 block w-48 rounded-md border border-line bg-white px-3 py-2 text-sm text-ink";

function Select({ id, label, name, value, options }: { id: string; label: string; name: string; value: string | undefined; options: { value: string; label: string }[] }) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-muted">{label}</label>
      <select id={id} name={name} defaultValue={value ?? ""} className={field}>
        <option value="">any</option>
        {options.map((option) => <option key={option.value} value={option.value} dir="auto">{option.label}</option>)}
      </select>
    </div>
  );
}

/**
 * The table's filters as a plain GET form (works without JavaScript; the URL
 * is the state). Several values of one filter come from links and stay when
 * the form is not changed; the form sets one value each.
 */
export function FilterForm({ filter, runs, intents }: { filter: CompletionFilter; runs: string[]; intents: { id: string; label: string }[] }) {
  const one = (values: readonly string[] | undefined) => (values?.length === 1 ? values[0] : undefined);
  return (
    <form method="get" aria-label="Filter completions" className="flex flex-wrap items-end gap-4 rounded-lg border border-line bg-white p-4">
      <Select id="f-run" label="Run" name="run" value={one(filter.run)} options={runs.map((run) => ({ value: run, label: shortName(run) }))} />
      <Select id="f-expected" label="Ground truth" name="expectedIntent" value={one(filter.expectedIntent)} options={intents.map((intent) => ({ value: intent.id, label: intent.id }))} />
      <div>
        <label htmlFor="f-predicted" className="block text-xs font-medium text-muted">Predicted intent</label>
        <input id="f-predicted" name="predictedIntent" defaultValue={one(filter.predictedIntent) ?? ""} className={field} list="f-intents" />
        <datalist id="f-intents">{intents.map((intent) => <option key={intent.id} value={intent.id} />)}</datalist>
      </div>
      <Select id="f-intent-verdict" label="Intent verdict" name="intentVerdict" value={one(filter.intentVerdict)} options={INTENT_VERDICTS.map((v) => ({ value: v, label: v.replace("_", " ") }))} />
      <Select id="f-policy-verdict" label="Policy verdict" name="policyVerdict" value={one(filter.policyVerdict)} options={POLICY_VERDICTS.map((v) => ({ value: v, label: v }))} />
      <div>
        <label htmlFor="f-q" className="block text-xs font-medium text-muted">Text</label>
        <input id="f-q" name="q" type="search" defaultValue={filter.q ?? ""} className={field} placeholder="in messages and replies" />
      </div>
      <button type="submit" className="rounded-md bg-ink px-4 py-2 text-sm font-medium text-white">Apply</button>
    </form>
  );
}
