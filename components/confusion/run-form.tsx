import { shortName } from "../name";
/** The run picker: a plain GET form, so it works without JavaScript. */
export function RunForm({ runs, run }: { runs: string[]; run: string }) {
  return (
    <form method="get" aria-label="Choose a run" className="flex flex-wrap items-end gap-4 rounded-lg border border-line bg-white p-4">
      <div>
        <label htmlFor="confusion-run" className="text-sm font-medium text-ink">Run</label>
        <select id="confusion-run" name="run" defaultValue={run} className="mt-1 block w-56 rounded-md border border-line bg-white px-3 py-2 text-sm text-ink">
          {runs.map((name) => <option key={name} value={name} dir="auto">{shortName(name)}</option>)}
        </select>
      </div>
      <button type="submit" className="rounded-md bg-ink px-4 py-2 text-sm font-medium text-white hover:bg-ink/90">
        Show
      </button>
    </form>
  );
}
